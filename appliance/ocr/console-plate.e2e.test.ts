// The officer console in headless Chromium: a still arrives, the plate OCR read is shown beside it
// with its colour and confidence, and the officer corrects it; the correction lands beside the
// machine reading.
import t from 'tap'
import { eq } from 'drizzle-orm'
import * as s from '../db/schema.ts'
import { renderPlateFrame } from '../../models/render-plates.ts'
import { errorsOf, launchBrowser } from '../test-support/browser.ts'
import { acceptOnConsole } from '../test-support/call-pages.ts'
import { citizenReport, startTestBox, uploadStill } from '../test-support/test-box.ts'

t.test('the console shows the reading beside the still; the officer corrects it', async (t) => {
  const box = await startTestBox({}, { media: true, ocr: true, realTime: true })
  t.teardown(box.close)
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)

  const page = await acceptOnConsole(browser, box, 'seat01', caseId)
  await page.waitForSelector('#case-panel #case-state', { timeout: 20_000 })

  const res = await uploadStill(citizen, caseId, renderPlateFrame('川A12345', 'blue'))
  t.equal(res.status, 201)
  const { evidenceId } = res.body as { evidenceId: string }
  const item = `#evidence li[data-evidence="${evidenceId}"]`
  await page.waitForFunction((sel) => document.querySelector(`${sel} .plate-reading`)?.textContent?.includes('川A12345'), item, { timeout: 60_000 })
  const text = await page.textContent(`${item} .plate-reading`)
  t.match(text, /识别：川A12345 蓝牌 置信度 \d+%/, 'plate, colour and confidence in zh-CN')
  t.ok(await page.$eval(`${item} img.still`, (img) => (img as HTMLImageElement).naturalWidth === 1280), 'the still itself is shown')
  t.equal(await page.inputValue(`${item} .plate-input`), '川A12345', 'the machine reading is proposed')

  await page.fill(`${item} .plate-input`, '川A12346')
  await page.click(`${item} .plate-confirm`)
  await page.waitForFunction((sel) => document.querySelector(`${sel} .plate-confirmed`)?.textContent?.includes('已更正'), item, { timeout: 10_000 })
  const row = box.db.select().from(s.plateReadings).where(eq(s.plateReadings.evidenceId, evidenceId)).get()
  t.match(row, { machinePlate: '川A12345', confirmedPlate: '川A12346', corrected: true })
  // The console asks who is logged in before showing the login form: that one 401 is expected.
  t.same(errorsOf(page).filter((e) => !e.url?.includes('/api/auth/me')), [], 'no page errors')
})
