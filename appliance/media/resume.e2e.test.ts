// The citizen's 【继续处理】 after the network goes away without the page reloading: the signalling
// socket goes half-open (a relay that stops forwarding, see tcp-proxy.ts), the page notices the
// box's heartbeats stopped and offers 【继续处理】, the box notices the missing pongs and marks the
// citizen dropped; with the network back one tap returns to the same case and the officer sees them.
import t from 'tap'
import { eq } from 'drizzle-orm'
import { DEFAULT_CONFIG } from '../../firmware-config/config.ts'
import * as s from '../db/schema.ts'
import { launchBrowser } from '../test-support/browser.ts'
import { answerOnConsole, framesDecoded, reportFromPhone } from '../test-support/call-pages.ts'
import { startTcpProxy } from '../test-support/tcp-proxy.ts'
import { startTestBox } from '../test-support/test-box.ts'

t.test('【继续处理】 after a silent network loss', async (t) => {
  // Short heartbeats so the test notices the loss quickly; not so short that a loaded machine drops a live socket.
  const box = await startTestBox({ media: { ...DEFAULT_CONFIG.media, heartbeatMs: 2000 } }, { media: true, realTime: true })
  t.teardown(box.close)
  const proxy = await startTcpProxy(new URL(box.url))
  t.teardown(proxy.close)
  const browser = await launchBrowser()
  t.teardown(() => browser.close())

  const { phone, caseId } = await reportFromPhone(browser, proxy.url)
  const callStatus = () => box.db.select().from(s.cases).where(eq(s.cases.id, caseId)).get()!.callStatus
  t.equal(callStatus(), 'waiting')

  proxy.freeze()
  await phone.waitForSelector('#resume', { timeout: 20_000 })
  t.match(await phone.textContent('#main'), /视频连接已中断，您的案件仍在处理中/, 'the page offers 【继续处理】')
  for (let i = 0; i < 100 && callStatus() !== 'dropped'; i++) await new Promise((r) => setTimeout(r, 100))
  t.equal(callStatus(), 'dropped', 'the box saw the citizen go')

  proxy.thaw()
  await phone.click('#resume')
  await phone.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('等待民警接听'), undefined, { timeout: 20_000 })
  t.equal(callStatus(), 'waiting', 'back in the queue')
  t.equal(box.db.select().from(s.cases).all().length, 1, 'the same case, no new one')

  const console_ = await answerOnConsole(browser, box, 'seat01', caseId)
  t.ok((await framesDecoded(console_, '#citizen-video')).frames >= 5, 'the officer sees the citizen')
  const actions = box.db.select({ action: s.auditLog.action }).from(s.auditLog).where(eq(s.auditLog.caseId, caseId)).all().map((a) => a.action)
  t.ok(actions.includes('call.citizen_dropped') && actions.includes('case.resumed'), `drop and return are audited (${actions.join(', ')})`)
})
