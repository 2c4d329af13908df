// One adapter per insurer: its path, its request shape (built from our ClaimReport) and where its
// reply carries the claim reference. All three take an Idempotency-Key header (a repeated report
// returns the first reference). The demo insurers speak exactly these shapes.
import { Type, type Static, type TObject } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { postJson, type PostResult } from '../deliveries/post-json.ts'
import type { ClaimReport } from './claim-report.ts'
import type { OneTapInsurer } from './insurers.ts'

const S = (max = 2000) => Type.String({ minLength: 1, maxLength: max })

const PiccRequest = Type.Object({
  policyNo: S(64), reportorName: S(50), reportorPhone: S(20), licensePlate: S(16),
  accidentTime: S(50), accidentPlace: S(200), accidentDesc: S(), liability: S(20),
  certificateNo: S(64), certificateSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  thirdParties: Type.Array(Type.Object({ plate: S(16), liability: S(20) })),
})
const CpicRequest = Type.Object({
  policy: Type.Object({ number: S(64) }),
  reporter: Type.Object({ name: S(50), mobile: S(20) }),
  vehicle: Type.Object({ plate: S(16) }),
  accident: Type.Object({ time: S(50), location: S(200), type: S(50), damage: S(200), description: S() }),
  determination: Type.Object({ number: S(64), sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }), liability: S(20) }),
})
const PinganRequest = Type.Object({
  caseSource: Type.Literal('TRAFFIC_POLICE_VIDEO'),
  policyNumber: S(64), insuredName: S(50), contactPhone: S(20), plateNumber: S(16),
  lossTime: S(50), lossAddress: S(200), lossCause: S(), dutyRatio: S(20),
  policeDocument: Type.Object({ no: S(64), hash: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
})

interface Adapter<R extends TObject> {
  path: string
  request: R
  toRequest(c: ClaimReport): Static<R>
  referenceField: string
}

const others = (c: ClaimReport) => c.parties.filter((p) => p.label !== c.claimant.label)

export const INSURER_ADAPTERS: { [K in OneTapInsurer]: Adapter<TObject> } = {
  PICC: {
    path: '/picc/claim/report',
    request: PiccRequest,
    toRequest: (c): Static<typeof PiccRequest> => ({
      policyNo: c.claimant.policyNumber, reportorName: c.claimant.name, reportorPhone: c.claimant.phone,
      licensePlate: c.claimant.plate, accidentTime: c.accidentTime, accidentPlace: c.place,
      accidentDesc: `${c.accidentType}；${c.impactPoints}；${c.facts}`, liability: c.claimant.liability,
      certificateNo: c.documentNo, certificateSha256: c.documentSha256,
      thirdParties: others(c).map((p) => ({ plate: p.plate, liability: p.liability })),
    }),
    referenceField: 'reportNo',
  },
  CPIC: {
    path: '/cpic/api/v1/claims',
    request: CpicRequest,
    toRequest: (c): Static<typeof CpicRequest> => ({
      policy: { number: c.claimant.policyNumber },
      reporter: { name: c.claimant.name, mobile: c.claimant.phone },
      vehicle: { plate: c.claimant.plate },
      accident: { time: c.accidentTime, location: c.place, type: c.accidentType, damage: c.impactPoints, description: c.facts },
      determination: { number: c.documentNo, sha256: c.documentSha256, liability: c.claimant.liability },
    }),
    referenceField: 'claimNo',
  },
  PINGAN: {
    path: '/pingan/report',
    request: PinganRequest,
    toRequest: (c): Static<typeof PinganRequest> => ({
      caseSource: 'TRAFFIC_POLICE_VIDEO', policyNumber: c.claimant.policyNumber, insuredName: c.claimant.name,
      contactPhone: c.claimant.phone, plateNumber: c.claimant.plate, lossTime: c.accidentTime, lossAddress: c.place,
      lossCause: `${c.accidentType}：${c.facts}`, dutyRatio: c.claimant.liability,
      policeDocument: { no: c.documentNo, hash: c.documentSha256 },
    }),
    referenceField: 'caseNo',
  },
}

export type ClaimResult = { ok: true; reference: string } | Extract<PostResult, { ok: false }>

export async function reportClaim(insurer: OneTapInsurer, baseUrl: string, report: ClaimReport, idempotencyKey: string, timeoutMs: number): Promise<ClaimResult> {
  const a = INSURER_ADAPTERS[insurer]
  const r = await postJson(baseUrl + a.path, a.toRequest(report), { idempotencyKey, timeoutMs })
  if (!r.ok) return r
  const ref = Value.Check(Type.Object({ [a.referenceField]: S(64) }), r.body) ? (r.body as Record<string, string>)[a.referenceField] : undefined
  return ref ? { ok: true, reference: ref } : { ok: false, permanent: false, error: `${insurer} reply carries no ${a.referenceField}` }
}
