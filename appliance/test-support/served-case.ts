// A case taken through the whole call to a served determination (甲方 全部, 乙方 无), and the test
// doubles for the outside systems it talks to afterwards (SMS gateway, insurers).
import { startDemoInsurer } from '../claims/demo-insurer.ts'
import { startDemoSmsGateway } from '../notifications/demo-sms-gateway.ts'
import type { DemoFailMode } from '../deliveries/demo-endpoint.ts'
import { DEMO_RECORDS, type DemoRecord } from '../registry/demo-registry.ts'
import { collectedCase, type TestBox } from './test-box.ts'

export const DETERMINATION = {
  weather: '晴',
  accidentType: '追尾碰撞',
  impactPoints: '甲车前部与乙车尾部',
  facts: '甲车在同车道行驶中未与前车保持安全距离，追尾乙车。',
  violation: '在同车道行驶中，不按规定与前车保持必要的安全距离的',
  clause: '《道路交通安全法》第四十三条',
}

/** `afterVerify` may adjust what the registry answered (e.g. another insurer) before eligibility. */
export async function determinedCase(box: TestBox, a: DemoRecord = DEMO_RECORDS.validCar, b: DemoRecord = DEMO_RECORDS.validNewEnergy, afterVerify?: () => void) {
  const c = await collectedCase(box, a, b)
  const must = (r: { status: number; body: any }, what: string) => {
    if (r.status >= 300) throw new Error(`${what} failed: ${JSON.stringify(r.body)}`)
    return r.body
  }
  must(await c.seat.post(`/api/cases/${c.caseId}/verify`), 'verify')
  afterVerify?.()
  const assessed = must(await c.seat.post(`/api/cases/${c.caseId}/eligibility`), 'eligibility')
  if (assessed.state !== 'eligible') throw new Error(`case not eligible: ${JSON.stringify(assessed.eligibility)}`)
  const [pa, pb] = assessed.parties.map((p: any) => p.id as string)
  must(await c.seat.post(`/api/cases/${c.caseId}/determination`, {
    weather: DETERMINATION.weather,
    accidentType: DETERMINATION.accidentType,
    impactPoints: DETERMINATION.impactPoints,
    facts: DETERMINATION.facts,
    parties: [
      { partyId: pa, liability: '全部', violation: DETERMINATION.violation, clause: DETERMINATION.clause },
      { partyId: pb, liability: '无' },
    ],
  }), 'determination')
  return { ...c, partyIds: [pa!, pb!] as const }
}

export async function servedCase(box: TestBox, a?: DemoRecord, b?: DemoRecord, afterVerify?: () => void) {
  const c = await determinedCase(box, a, b, afterVerify)
  const r = await c.seat.post(`/api/cases/${c.caseId}/serve`)
  if (r.status !== 200) throw new Error(`serve failed: ${JSON.stringify(r.body)}`)
  return { ...c, served: r.body }
}

/** The SMS gateway and the three insurers as local HTTP servers, and the config keys pointing at them. */
export async function startOutsideDoubles(opts: { smsFailMode?: DemoFailMode; hangMs?: number } = {}) {
  const sms = await startDemoSmsGateway({ ...(opts.smsFailMode ? { failMode: opts.smsFailMode } : {}), hangMs: opts.hangMs ?? 3000 })
  const insurers = {
    PICC: await startDemoInsurer('PICC', { hangMs: opts.hangMs ?? 3000 }),
    CPIC: await startDemoInsurer('CPIC', { hangMs: opts.hangMs ?? 3000 }),
    PINGAN: await startDemoInsurer('PINGAN', { hangMs: opts.hangMs ?? 3000 }),
  }
  return {
    sms,
    insurers,
    config: {
      sms: { url: sms.url, timeoutMs: 1000 },
      insurers: { PICC: insurers.PICC.url, CPIC: insurers.CPIC.url, PINGAN: insurers.PINGAN.url, timeoutMs: 1000 },
      outbox: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 400, pollMs: 25 },
    },
    async close() {
      await Promise.all([sms.close(), ...Object.values(insurers).map((i) => i.close())])
    },
  }
}
