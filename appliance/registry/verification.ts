/**
 * Verification of one accident party's documents against the national
 * registry: driving licence (驾驶证), vehicle registration (行驶证/机动车登记)
 * and compulsory insurance (交强险).
 *
 * `assessRecords` is pure (lookup results + dates in, verdicts out);
 * `verifyParty` performs the three lookups in parallel and assesses them.
 *
 * The licence check reports the licence's own standing (status and validity
 * dates) plus its classes. Whether those classes permit the vehicle is not
 * judged here: that is eligibility's LICENCE_CLASS_MISMATCH
 * (rules/eligibility.ts), so a valid C2 licence is 'valid' whatever it drives.
 *
 * Safety rule: 'valid' is only ever produced from a record the registry
 * actually returned and that passes every check. An unreachable registry
 * (or anything we cannot interpret) yields 'unverified', never 'valid'.
 * Human-facing `detail` strings are zh-CN.
 */
import type { LookupResult, RegistryClient } from './client.ts'
import {
  IsoDate,
  normalizeLicenceNumber,
  plateColourLabel,
  vehicleTypeLabel,
  type InsuranceRecord,
  type LicenceRecord,
  type VehicleRecord,
} from './protocol.ts'
import { Value } from '@sinclair/typebox/value'
import { normalisePlate } from '../rules/plates.ts'
import { validateResidentId } from '../rules/resident-id.ts'

export type CheckStatus = 'valid' | 'invalid' | 'expired' | 'not_found' | 'unverified'

export interface LicenceCheck {
  status: CheckStatus
  classes: string[]
  name?: string
  validUntil?: string
  detail: string
}

export interface RegistrationCheck {
  status: CheckStatus
  vehicleType?: string
  plateColour?: string
  detail: string
}

export interface InsuranceCheck {
  status: CheckStatus
  insurer?: string
  insurerCode?: string
  policyNumber?: string
  validUntil?: string
  detail: string
}

export interface PartyVerification {
  /** null when no licence number was given */
  licence: LicenceCheck | null
  /** null when no plate was given */
  registration: RegistrationCheck | null
  /** null when no plate was given */
  insurance: InsuranceCheck | null
  /** ISO timestamp of when the lookups completed */
  checkedAt: string
}

export interface PartyDocuments {
  licenceNumber: string | null
  plate: string | null
  /** Declared vehicle type code (a VehicleTypeCode of rules/licence-classes.ts), e.g. 'small-car'. */
  vehicleType: string
}

export interface RecordsToAssess {
  /** null when no licence number was given */
  licence: LookupResult<LicenceRecord> | null
  /** null when no plate was given */
  vehicle: LookupResult<VehicleRecord> | null
  /** null when no plate was given */
  insurance: LookupResult<InsuranceRecord> | null
  /** Declared vehicle type code; compared with the registered type. */
  vehicleType: string
  /** The licence number as queried; only used to hint at typos on 'not_found'. */
  licenceNumber?: string | null
}

// ---------------------------------------------------------------------------
// Assessment
// ---------------------------------------------------------------------------

interface Problem {
  status: 'invalid' | 'expired'
  text: string
}

function worst(problems: readonly Problem[]): 'invalid' | 'expired' {
  return problems.some((p) => p.status === 'invalid') ? 'invalid' : 'expired'
}

function joinDetail(parts: readonly string[]): string {
  return parts.filter((p) => p !== '').join('；')
}

function assertIsoDate(today: string): void {
  if (!Value.Check(IsoDate, today)) {
    throw new TypeError(`today must be a YYYY-MM-DD date, got ${JSON.stringify(today)}`)
  }
}

/** Zh-CN hint for a licence number that is a mistyped resident ID number, else ''. */
function typoHint(licenceNumber: string | null | undefined): string {
  if (!licenceNumber) return ''
  const id = validateResidentId(licenceNumber)
  if (id.ok) return ''
  if (id.code === 'ID_CHECKSUM') return '（证号校验位不正确，可能输入有误，请核对）'
  if (id.code === 'ID_BIRTH_DATE') return '（证号中的出生日期无效，可能输入有误，请核对）'
  return '' // not shaped like a resident ID (e.g. a foreign licence number): no hint
}

export function assessLicence(
  result: LookupResult<LicenceRecord>,
  today: string,
  licenceNumber?: string | null,
): LicenceCheck {
  assertIsoDate(today)
  if (result.kind === 'unreachable') {
    return {
      status: 'unverified',
      classes: [],
      detail: `驾驶证未能核验：${result.detail}；请人工查验纸质驾驶证`,
    }
  }
  if (result.kind === 'not_found') {
    return { status: 'not_found', classes: [], detail: `全国登记系统中未查到该驾驶证${typoHint(licenceNumber)}` }
  }

  const r = result.record
  const problems: Problem[] = []
  if (r.status === 'revoked') problems.push({ status: 'invalid', text: '驾驶证已被吊销' })
  if (r.status === 'suspended') problems.push({ status: 'invalid', text: '驾驶证处于暂扣状态' })
  if (r.validFrom > today) problems.push({ status: 'invalid', text: `驾驶证尚未生效（${r.validFrom}起有效）` })
  if (r.validUntil < today) problems.push({ status: 'expired', text: `驾驶证已于${r.validUntil}超过有效期` })

  const base = { classes: [...r.classes], name: r.name, validUntil: r.validUntil }
  if (problems.length > 0) {
    return { ...base, status: worst(problems), detail: joinDetail(problems.map((p) => p.text)) }
  }
  const classText = r.classes.length > 0 ? r.classes.join('、') : '无'
  return { ...base, status: 'valid', detail: `驾驶证状态正常，准驾车型${classText}，有效期至${r.validUntil}` }
}

const VEHICLE_STATUS_TEXT: Record<Exclude<VehicleRecord['status'], 'normal'>, string> = {
  stolen: '该车辆已登记为被盗抢车辆',
  scrapped: '该车辆已报废注销',
  seized: '该车辆处于查封/扣押状态',
}

export function assessRegistration(
  result: LookupResult<VehicleRecord>,
  declaredVehicleType: string,
  today: string,
): RegistrationCheck {
  assertIsoDate(today)
  if (result.kind === 'unreachable') {
    return { status: 'unverified', detail: `机动车登记信息未能核验：${result.detail}；请人工查验行驶证` }
  }
  if (result.kind === 'not_found') {
    return { status: 'not_found', detail: '全国登记系统中未查到该号牌的机动车登记信息，请核对号牌' }
  }

  const r = result.record
  const problems: Problem[] = []
  if (r.status !== 'normal') problems.push({ status: 'invalid', text: VEHICLE_STATUS_TEXT[r.status] })
  if (r.inspectionValidUntil < today) {
    problems.push({ status: 'expired', text: `机动车检验有效期已于${r.inspectionValidUntil}届满（逾期未检验）` })
  }
  const mismatch =
    declaredVehicleType !== '' && declaredVehicleType !== r.vehicleType
      ? `登记车型为${vehicleTypeLabel(r.vehicleType)}，与申报的${vehicleTypeLabel(declaredVehicleType)}不一致，请核对`
      : ''

  const base = { vehicleType: r.vehicleType, plateColour: r.plateColour }
  if (problems.length > 0) {
    return { ...base, status: worst(problems), detail: joinDetail([...problems.map((p) => p.text), mismatch]) }
  }
  return {
    ...base,
    status: 'valid',
    detail: joinDetail([
      `机动车登记状态正常（${vehicleTypeLabel(r.vehicleType)}，${plateColourLabel(r.plateColour)}），检验有效期至${r.inspectionValidUntil}`,
      mismatch,
    ]),
  }
}

export function assessInsurance(result: LookupResult<InsuranceRecord>, today: string): InsuranceCheck {
  assertIsoDate(today)
  if (result.kind === 'unreachable') {
    return { status: 'unverified', detail: `交强险未能核验：${result.detail}；请人工查验保单或电子保单` }
  }
  if (result.kind === 'not_found') {
    return { status: 'not_found', detail: '未查到该车辆的交强险投保记录（可能未投保交强险）' }
  }

  const r = result.record
  const base = {
    insurer: r.insurer,
    insurerCode: r.insurerCode,
    policyNumber: r.policyNumber,
    validUntil: r.validUntil,
  }
  if (r.validUntil < today) {
    return { ...base, status: 'expired', detail: `交强险已于${r.validUntil}到期（${r.insurer}，保单号${r.policyNumber}）` }
  }
  if (r.validFrom > today) {
    return { ...base, status: 'expired', detail: `交强险保单尚未生效（${r.validFrom}起保，${r.insurer}，保单号${r.policyNumber}）` }
  }
  return { ...base, status: 'valid', detail: `交强险有效：${r.insurer}，保单号${r.policyNumber}，有效期至${r.validUntil}` }
}

/** Pure assessment of lookup results. */
export function assessRecords(records: RecordsToAssess, today: string, checkedAt: string): PartyVerification {
  assertIsoDate(today)
  const declared = records.vehicleType.trim()
  return {
    licence: records.licence && assessLicence(records.licence, today, records.licenceNumber),
    registration: records.vehicle && assessRegistration(records.vehicle, declared, today),
    insurance: records.insurance && assessInsurance(records.insurance, today),
    checkedAt,
  }
}

// ---------------------------------------------------------------------------
// Lookup + assessment
// ---------------------------------------------------------------------------

/** Calendar date in China Standard Time (UTC+8, no DST) as YYYY-MM-DD. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

async function safely<T>(lookup: () => Promise<LookupResult<T>>): Promise<LookupResult<T>> {
  try {
    return await lookup()
  } catch (err) {
    return { kind: 'unreachable', detail: `查询出错（${err instanceof Error ? err.message : String(err)}）` }
  }
}

/**
 * Look up a party's licence, vehicle and insurance in parallel and assess
 * them as of `today` (YYYY-MM-DD, China time — see `chinaToday()`).
 * Empty / whitespace-only identifiers count as "not given" (→ null section).
 */
export async function verifyParty(
  client: RegistryClient,
  party: PartyDocuments,
  today: string,
): Promise<PartyVerification> {
  assertIsoDate(today)
  const licenceNumber = party.licenceNumber === null ? '' : normalizeLicenceNumber(party.licenceNumber)
  const plate = party.plate === null ? '' : normalisePlate(party.plate)

  const [licence, vehicle, insurance] = await Promise.all([
    licenceNumber === '' ? null : safely(() => client.lookupLicence(licenceNumber)),
    plate === '' ? null : safely(() => client.lookupVehicle(plate)),
    plate === '' ? null : safely(() => client.lookupInsurance(plate)),
  ])

  return assessRecords(
    { licence, vehicle, insurance, vehicleType: party.vehicleType, licenceNumber },
    today,
    new Date().toISOString(),
  )
}
