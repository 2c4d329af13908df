// One-tap claims through the real box against local insurer doubles: failure then retry, the
// insurer's reference, idempotency, the party's own link, guidance for other insurers; and each
// insurer's adapter against its double, including failure, timeout and a repeated key.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { DEMO_RECORDS } from '../registry/demo-registry.ts'
import { servedCase, startOutsideDoubles } from '../test-support/served-case.ts'
import { Caller, startTestBox } from '../test-support/test-box.ts'
import type { ClaimReport } from './claim-report.ts'
import { startDemoInsurer } from './demo-insurer.ts'
import { reportClaim } from './insurer-adapters.ts'
import { ONE_TAP_INSURERS, type OneTapInsurer } from './insurers.ts'

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`)
    await sleep(50)
  }
}

/** The citizen behind a link the SMS double delivered to `phone` (the determination served SMS). */
function linkCaller(box: { url: string }, sms: { deliveries: Array<{ body: { to: string; text: string } }> }, phone: string) {
  const text = sms.deliveries.find((d) => d.body.to === phone && d.body.text.includes('认定书'))?.body.text
  const m = text && /#case=([0-9a-f-]+)&token=([A-Za-z0-9_-]+)/.exec(text)
  if (!m) throw new Error(`no served SMS to ${phone}`)
  const c = new Caller(box.url)
  c.bearer = m[2]!
  return { caller: c, caseId: m[1]! }
}

t.test('claims through the box: failure, retry, reference, idempotency, own party only', async (t) => {
  const doubles = await startOutsideDoubles()
  const box = await startTestBox(doubles.config)
  t.teardown(async () => { await box.close(); await doubles.close() })
  const { caseId, citizen, partyIds } = await servedCase(box)
  await until('served SMS', async () => doubles.sms.deliveries.length, (n) => n >= 3)

  // The reporter (13800138000) is 甲方, insured with 中国人保.
  let v = (await citizen.get(`/api/citizen/cases/${caseId}/progress`)).body
  t.same(v.claims.map((c: any) => [c.label, c.insurer, c.oneTap]), [['甲方', '中国人保', true]], 'the reporter sees their own party only')
  let r = await citizen.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[1] })
  t.equal(r.status, 403)
  t.equal(r.body.code, 'CLAIM_PARTY_NOT_ALLOWED', 'not for the other party')

  doubles.insurers.PICC.failMode = 'error500'
  r = await citizen.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[0] })
  t.equal(r.status, 202, 'insurer down: accepted for retry')
  t.equal(r.body.status, 'pending')
  t.equal(doubles.insurers.PICC.deliveries.length, 0)
  await until('a retry', async () => doubles.insurers.PICC.requests.length, (n) => n >= 2)
  doubles.insurers.PICC.failMode = 'none'
  v = await until('the claim accepted', async () => (await citizen.get(`/api/citizen/cases/${caseId}/progress`)).body, (x) => x.claims[0].claim?.status === 'accepted')
  const ref = v.claims[0].claim.reference
  t.match(ref, /^PICC-\d{6}$/, 'the insurer’s reference is shown')
  const sent = doubles.insurers.PICC.deliveries[0]!.body as any
  t.equal(sent.certificateSha256, v.document.pdfSha256, 'the report carries the document’s hash')
  t.equal(sent.certificateNo, v.document.documentNo)
  t.equal(sent.liability, '全部责任')
  t.equal(sent.licensePlate, DEMO_RECORDS.validCar.plate)
  t.same(sent.thirdParties, [{ plate: DEMO_RECORDS.validNewEnergy.plate, liability: '无责任' }])
  t.ok(v.timeline.some((e: any) => e.action === 'claim.accepted'), 'on the timeline')

  r = await citizen.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[0] })
  t.equal(r.body.reference, ref, 'a second tap returns the same claim')
  t.equal(doubles.insurers.PICC.deliveries.length, 1, 'reported once')
  await until('claim SMS', async () => doubles.sms.deliveries.filter((d) => d.body.text.includes(ref)).length, (n) => n === 1)

  // 乙方 opens their own SMS link (中国平安); the insurer times out first.
  const b = linkCaller(box, doubles.sms, '13900139000')
  t.equal(b.caseId, caseId)
  v = (await b.caller.get(`/api/citizen/cases/${caseId}/progress`)).body
  t.same(v.claims.map((c: any) => [c.label, c.insurer]), [['乙方', '中国平安']])
  doubles.insurers.PINGAN.failMode = 'timeout'
  r = await b.caller.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[1] })
  t.equal(r.body.status, 'pending', 'timed out: pending')
  doubles.insurers.PINGAN.failMode = 'none'
  v = await until('PINGAN accepted', async () => (await b.caller.get(`/api/citizen/cases/${caseId}/progress`)).body, (x) => x.claims[0].claim?.status === 'accepted')
  t.match(v.claims[0].claim.reference, /^PINGAN-\d{6}$/)
  t.equal(doubles.insurers.PINGAN.deliveries.length, 1)
  r = await b.caller.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[0] })
  t.equal(r.body.code, 'CLAIM_PARTY_NOT_ALLOWED', 'a party link acts for its own party only')
})

t.test('other insurers get guidance instead of a claim', async (t) => {
  const doubles = await startOutsideDoubles()
  const box = await startTestBox(doubles.config)
  t.teardown(async () => { await box.close(); await doubles.close() })
  const { caseId, partyIds } = await servedCase(box, DEMO_RECORDS.validCar, DEMO_RECORDS.truck)
  await until('served SMS', async () => doubles.sms.deliveries.length, (n) => n >= 3)
  const b = linkCaller(box, doubles.sms, '13900139000')
  const v = (await b.caller.get(`/api/citizen/cases/${caseId}/progress`)).body
  t.equal(v.claims[0].oneTap, false)
  t.match(v.claims[0].guidance, /中华联合暂不支持一键理赔.*认定书编号/)
  const r = await b.caller.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[1] })
  t.equal(r.status, 422)
  t.equal(r.body.code, 'CLAIM_INSURER_NOT_SUPPORTED')
})

t.test('中国太平洋 through the box: refused, retried, accepted', async (t) => {
  const doubles = await startOutsideDoubles()
  const box = await startTestBox(doubles.config)
  t.teardown(async () => { await box.close(); await doubles.close() })
  // The demo registry has no eligible CPIC-insured vehicle: 乙方's insurance record reads CPIC here.
  const { caseId, partyIds } = await servedCase(box, undefined, undefined, () => {
    box.db.$client.prepare("UPDATE vehicles SET insurer = '中国太平洋', insurer_code = 'CPIC', policy_number = 'CPIC-POL-1' WHERE plate = ?")
      .run(DEMO_RECORDS.validNewEnergy.plate)
  })
  await until('served SMS', async () => doubles.sms.deliveries.length, (n) => n >= 3)
  const b = linkCaller(box, doubles.sms, '13900139000')
  doubles.insurers.CPIC.failMode = 'error500'
  let r = await b.caller.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[1] })
  t.equal(r.body.status, 'pending')
  await until('a retry', async () => doubles.insurers.CPIC.requests.length, (n) => n >= 2)
  doubles.insurers.CPIC.failMode = 'none'
  const v = await until('CPIC accepted', async () => (await b.caller.get(`/api/citizen/cases/${caseId}/progress`)).body, (x) => x.claims[0].claim?.status === 'accepted')
  t.match(v.claims[0].claim.reference, /^CPIC-\d{6}$/)
  const sent = doubles.insurers.CPIC.deliveries[0]!.body as any
  t.same(sent.policy, { number: 'CPIC-POL-1' })
  t.equal(sent.determination.liability, '无责任')
  t.equal(sent.determination.sha256, v.document.pdfSha256)
  r = await b.caller.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[1] })
  t.equal(r.body.reference, v.claims[0].claim.reference, 'idempotent')
  t.equal(doubles.insurers.CPIC.deliveries.length, 1)
})

t.test('a claim whose retries gave up is filed again by the next tap, with the same key', async (t) => {
  const doubles = await startOutsideDoubles()
  const box = await startTestBox({ ...doubles.config, outbox: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 40, pollMs: 20 } })
  t.teardown(async () => { await box.close(); await doubles.close() })
  const { caseId, citizen, partyIds } = await servedCase(box)
  doubles.insurers.PICC.failMode = 'error500'
  await citizen.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[0] })
  const v = await until('the claim failed', async () => (await citizen.get(`/api/citizen/cases/${caseId}/progress`)).body, (x) => x.claims[0].claim?.status === 'failed')
  t.equal(v.claims[0].claim.attempts, 2, 'gave up after maxAttempts')
  doubles.insurers.PICC.failMode = 'none'
  const r = await citizen.post(`/api/citizen/cases/${caseId}/claims`, { partyId: partyIds[0] })
  t.equal(r.status, 201)
  t.match(r.body.reference, /^PICC-/)
  const keys = new Set(doubles.insurers.PICC.requests.map((q) => q.key))
  t.equal(keys.size, 1, 'every attempt carried the one claim key')
})

const REPORT: ClaimReport = {
  caseNo: 'JINJIANG-20261126-0001', documentNo: '成公交锦江区简认字〔2026〕第00001号', documentSha256: 'a'.repeat(64),
  accidentTime: '2026年11月26日 10时00分', place: '红星路三段', accidentType: '追尾碰撞', impactPoints: '前部', facts: '追尾',
  claimant: { label: '甲方', name: '张伟', phone: '13800138000', plate: '川A12345', policyNumber: 'P1', liability: '无责任' },
  parties: [{ label: '甲方', plate: '川A12345', insurer: '中国人保', liability: '无责任' }, { label: '乙方', plate: '川AD12345', insurer: '中国平安', liability: '全部责任' }],
}

for (const code of Object.keys(ONE_TAP_INSURERS) as OneTapInsurer[]) {
  t.test(`${code} adapter against its double: failure, timeout, retry, same key`, async (t) => {
    const insurer = await startDemoInsurer(code, { failMode: 'error500', hangMs: 2000 })
    t.teardown(() => insurer.close())
    let r = await reportClaim(code, insurer.url, REPORT, 'claim:1', 500)
    t.match(r, { ok: false, permanent: false }, 'HTTP 500: retry later')
    insurer.failMode = 'timeout'
    r = await reportClaim(code, insurer.url, REPORT, 'claim:1', 300)
    t.match(r, { ok: false, permanent: false, error: /timeout/ }, 'timeout: retry later')
    insurer.failMode = 'none'
    r = await reportClaim(code, insurer.url, REPORT, 'claim:1', 1000)
    t.match(r, { ok: true, reference: new RegExp(`^${code}-000001$`) })
    const again = await reportClaim(code, insurer.url, REPORT, 'claim:1', 1000)
    t.same(again, r, 'the same key returns the same reference')
    t.equal(insurer.deliveries.length, 1, 'delivered once')
    t.equal(insurer.requests.length, 4)
    t.match(JSON.stringify(insurer.deliveries[0]!.body), REPORT.documentSha256, 'the document hash reaches the insurer')
  })
}
