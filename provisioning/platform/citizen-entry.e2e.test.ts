// A phone opens the platform's citizen link and lands on the box's citizen page without doing
// anything: here the accident (春熙路, 锦江区) has no box online, so it lands on 成华区's box.
import t from 'tap'
import { launchBrowser, newPhonePage } from '../../appliance/test-support/browser.ts'
import { startTestBox } from '../../appliance/test-support/test-box.ts'
import { startTestPlatform } from './test-platform.ts'

t.test('the citizen page follows the route to the box', async (t) => {
  // Real time: the phone's browser asks the platform live.
  const platform = await startTestPlatform(new Date())
  t.teardown(() => platform.close())
  const box = await startTestBox({ district: { id: 'chenghua', name: '成华区', issuingUnit: '成华' } }, { media: true, realTime: true })
  t.teardown(() => box.close())
  const chenghua = await platform.enrol('chenghua', { boxUrl: box.url })
  const jinjiang = await platform.enrol('jinjiang', { boxUrl: 'http://127.0.0.1:9' })
  platform.clock.now = new Date(Date.now() - 10 * 60_000)
  await jinjiang.tick() // jinjiang's box was last heard 10 minutes ago: offline
  platform.clock.now = new Date()
  await chenghua.tick()

  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const phone = await newPhonePage(browser) // located at 春熙路 (锦江区)
  await phone.goto(`${platform.url}/report`)
  await phone.waitForURL(`${box.url.replace(/\/$/, '')}/report`, { timeout: 30_000 })
  t.pass('forwarded to the chenghua box')
  await phone.waitForSelector('#report', { timeout: 30_000 })
  t.equal(await phone.textContent('#report'), '开始视频报警', 'the box\'s citizen page is ready to report')
})
