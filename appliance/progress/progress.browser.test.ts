// A real phone browser opens the progress page from the link the SMS double received, downloads
// the determination, files a one-tap claim and checks the document on the verification page.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { sha256Hex } from '../documents/signing.ts'
import { assertNoPageErrors, launchBrowser, newPhonePage } from '../test-support/browser.ts'
import { servedCase, startOutsideDoubles } from '../test-support/served-case.ts'
import { startTestBox } from '../test-support/test-box.ts'

t.test('from the SMS link: view progress, download the document, claim, verify', async (t) => {
  const doubles = await startOutsideDoubles()
  const box = await startTestBox(doubles.config)
  const browser = await launchBrowser()
  t.teardown(async () => { await browser.close(); await box.close(); await doubles.close() })
  const { caseId } = await servedCase(box)

  let text: string | undefined
  for (let i = 0; i < 400 && !text; i++) {
    text = doubles.sms.deliveries.find((d) => d.body.to === '13800138000' && d.body.text.includes('认定书'))?.body.text
    if (!text) await sleep(50)
  }
  const link = /(http:\/\/\S+\/progress#case=[0-9a-f-]+&token=[A-Za-z0-9_-]+)/.exec(text ?? '')?.[1]
  t.ok(link?.startsWith(box.url), 'the SMS carries the box’s progress link')

  const page = await newPhonePage(browser)
  await page.goto(link!)
  await page.locator('#document').waitFor({ timeout: 20_000 })
  t.match(await page.locator('#state').textContent(), '认定书已送达')
  t.match(await page.locator('#timeline').textContent(), '电子认定书已签发')
  t.match(await page.locator('#review').textContent(), '请于')

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#doc-download').click()])
  const file = await download.path()
  const pdf = readFileSync(file)
  const doc = box.db.$client.prepare('SELECT id, pdf_sha256 FROM determination_documents WHERE case_id = ?').get(caseId) as { id: string; pdf_sha256: string }
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  t.equal(sha256Hex(pdf), doc.pdf_sha256, 'the downloaded file is the signed document')
  t.match(download.suggestedFilename(), /^道路交通事故认定书-.*\.pdf$/)

  await page.locator('#claims button.primary').click()
  await page.locator('.claim-done').waitFor({ timeout: 20_000 })
  const reference = doubles.insurers.PICC.deliveries[0]?.reply.reportNo as string
  t.match(reference, /^PICC-/)
  t.match(await page.locator('.claim-done').textContent(), `中国人保已受理报案，报案号：${reference}`)

  await page.locator('#doc-verify').click()
  await page.locator('#result').waitFor({ timeout: 20_000 })
  t.match(await page.locator('#result h2').textContent(), '认定书真实有效')
  await page.locator('#pdf-file').setInputFiles(file)
  await page.waitForFunction(() => document.querySelector('#result h2')?.textContent?.includes('真实有效') && document.querySelector('#pdf-file'))
  const edited = Buffer.from(pdf)
  edited[100] = edited[100]! ^ 1
  await page.locator('#pdf-file').setInputFiles({ name: 'edited.pdf', mimeType: 'application/pdf', buffer: edited })
  await page.locator('#result.bad').waitFor({ timeout: 20_000 })
  t.match(await page.locator('#result').textContent(), '文件已被修改', 'an edited file is called out')
  assertNoPageErrors(page)
})
