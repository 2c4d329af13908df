// The officer console in headless Chromium: the citizen photographs a driving licence whose ID number
// fails its check; the console lists the card's fields beside the still with that failure in zh-CN,
// the officer corrects the number (kept while the panel refreshes for the next still) and fills the
// party in one action; the party and the card reading (machine values beside the officer's) show it.
import t from 'tap'
import { eq } from 'drizzle-orm'
import * as s from '../db/schema.ts'
import { renderDrivingLicence } from '../../models/render-cards.ts'
import { renderPlateFrame } from '../../models/render-plates.ts'
import { errorsOf, launchBrowser } from '../test-support/browser.ts'
import { acceptOnConsole } from '../test-support/call-pages.ts'
import { DRIVER } from '../test-support/card-samples.ts'
import { citizenReport, startTestBox, uploadStill } from '../test-support/test-box.ts'

t.test('the console proposes a card\'s fields beside the still; the officer corrects one and fills the party', async (t) => {
  const box = await startTestBox({}, { media: true, ocr: true, realTime: true })
  t.teardown(box.close)
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)

  const page = await acceptOnConsole(browser, box, 'seat01', caseId)
  await page.waitForSelector('#case-panel #case-state', { timeout: 20_000 })

  // The officer adds the party by voice first: name only as heard, and the phone.
  await page.fill('#party-name', '张玮')
  await page.fill('#party-phone', '13800138000')
  await page.click('#party-add')
  await page.waitForFunction(() => document.querySelector('#parties')?.textContent?.includes('张玮'), undefined, { timeout: 10_000 })

  const res = await uploadStill(citizen, caseId, renderDrivingLicence({ ...DRIVER, idNumber: '510104198503120417' })) // check digit off by one
  t.equal(res.status, 201)
  const { evidenceId } = res.body as { evidenceId: string }
  const item = `#evidence li[data-evidence="${evidenceId}"]`
  await page.waitForSelector(`${item} .licence-card`, { timeout: 90_000 })
  t.equal(await page.textContent(`${item} .card-reading`), '识别为驾驶证（部分项目需核对）')
  t.match(await page.textContent(`${item} .card-field[data-field="name"]`), '姓名：张伟')
  const id = `${item} .card-field[data-field="idNumber"]`
  t.match(await page.textContent(id), /证号：510104198503120417（身份证号码校验码不正确/, 'the failed check in zh-CN')
  t.match(await page.getAttribute(id, 'class'), /warn/, 'marked')
  t.notOk(await page.$(`${item} .plate-input`), 'no plate controls on a card')
  t.equal(await page.inputValue(`${item} .card-input[data-field="name"]`), '张伟', 'the machine reading is proposed')
  t.equal(await page.inputValue(`${item} .card-input[data-field="licenceClasses"]`), 'C1')

  await page.fill(`${item} .card-input[data-field="idNumber"]`, DRIVER.idNumber)
  // Another still arrives while the officer corrects: the panel refreshes, the typed number stays.
  const next = await uploadStill(citizen, caseId, renderPlateFrame('川A54321', 'blue'))
  const nextItem = `#evidence li[data-evidence="${next.body.evidenceId}"]`
  await page.waitForFunction((sel) => document.querySelector(`${sel} .plate-reading`)?.textContent?.includes('川A54321'), nextItem, { timeout: 60_000 })
  t.equal(await page.inputValue(`${item} .card-input[data-field="idNumber"]`), DRIVER.idNumber, 'the correction survives the refresh')
  t.equal(await page.inputValue(`${item} .card-input[data-field="name"]`), '张伟', 'untouched fields show the reading')
  await page.click(`${item} .card-apply`)
  await page.waitForFunction((sel) => document.querySelector(`${sel} .card-applied`)?.textContent?.includes('已填入甲方（已更正）'), item, { timeout: 10_000 })
  await page.waitForFunction(() => document.querySelector('#parties')?.textContent?.includes('张伟'), undefined, { timeout: 10_000 })

  const party = box.db.select().from(s.parties).where(eq(s.parties.caseId, caseId)).get()
  t.match(party, { name: '张伟', idNumber: DRIVER.idNumber, licenceNumber: DRIVER.idNumber, licenceClasses: 'C1', licenceValidUntil: DRIVER.validUntil })
  const row = box.db.select().from(s.cardReadings).where(eq(s.cardReadings.evidenceId, evidenceId)).get()!
  t.equal((row.fields as any).idNumber.value, '510104198503120417', 'the machine reading kept')
  t.match(row, { corrected: true, applied: { idNumber: DRIVER.idNumber, name: '张伟' } })
  // The console asks who is logged in before showing the login form: that one 401 is expected.
  t.same(errorsOf(page).filter((e) => !e.url?.includes('/api/auth/me')), [], 'no page errors')
})
