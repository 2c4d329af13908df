/**
 * HTTP protocol of the external national registry (驾驶证 / 机动车登记 / 交强险).
 *
 * This module is the contract shared by the client (`client.ts`), the demo /
 * test-double registry (`demo-registry.ts`) and anything else that speaks to
 * the registry. All endpoints are read-only GETs returning JSON:
 *
 *   GET /v1/licences/:number  → 200 LicenceRecord   | 404 { code: 'NOT_FOUND' }
 *   GET /v1/vehicles/:plate   → 200 VehicleRecord   | 404 { code: 'NOT_FOUND' }
 *   GET /v1/insurance/:plate  → 200 InsuranceRecord | 404 { code: 'NOT_FOUND' }
 *
 * Path parameters are URL-encoded (plates contain Chinese characters, e.g.
 * `川A12345` → `%E5%B7%9DA12345`). Dates are calendar dates `YYYY-MM-DD`
 * (China Standard Time); a record is valid *through* its `validUntil` day.
 *
 * Records may carry extra properties (forward compatibility); the client
 * strips them. Closed enums (`status`) are validated strictly: an unknown
 * status means we cannot interpret the record, so it is treated as a
 * malformed response rather than guessed at.
 */
import { Type, type Static } from '@sinclair/typebox'
import { VEHICLE_TYPES, isVehicleTypeCode } from '../rules/licence-classes.ts'
import { toHalfWidth } from '../rules/text.ts'

/** Calendar date `YYYY-MM-DD`. */
export const IsoDate = Type.String({
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
  description: 'Calendar date YYYY-MM-DD',
})
export type IsoDate = Static<typeof IsoDate>

const NonEmpty = (description: string) => Type.String({ minLength: 1, description })

// ---------------------------------------------------------------------------
// 驾驶证 — driving licence
// ---------------------------------------------------------------------------

export const LicenceStatus = Type.Union([
  Type.Literal('normal'), // 正常
  Type.Literal('suspended'), // 暂扣
  Type.Literal('revoked'), // 吊销
])
export type LicenceStatus = Static<typeof LicenceStatus>

export const LicenceRecord = Type.Object({
  /** Licence number; for PRC residents this is the 18-char resident ID number. */
  number: NonEmpty('Licence number'),
  name: NonEmpty('Holder name'),
  idNumber: NonEmpty('Holder resident ID number'),
  /** Permitted vehicle classes (准驾车型), e.g. ['C1'] or ['B2']. */
  classes: Type.Array(Type.String({ pattern: '^[A-Z][0-9]?$' })),
  validFrom: IsoDate,
  validUntil: IsoDate,
  status: LicenceStatus,
})
export type LicenceRecord = Static<typeof LicenceRecord>

// ---------------------------------------------------------------------------
// 机动车登记 / 行驶证 — vehicle registration
// ---------------------------------------------------------------------------

export const VehicleStatus = Type.Union([
  Type.Literal('normal'), // 正常
  Type.Literal('stolen'), // 被盗抢
  Type.Literal('scrapped'), // 已报废
  Type.Literal('seized'), // 查封/扣押
])
export type VehicleStatus = Static<typeof VehicleStatus>

export const VehicleRecord = Type.Object({
  plate: NonEmpty('Plate number without separator, e.g. 川A12345'),
  /** Plate colour code, see PLATE_COLOUR_LABELS (open set). */
  plateColour: NonEmpty('Plate colour code'),
  /**
   * Vehicle type code: a `VehicleTypeCode` of `rules/licence-classes.ts` (e.g. 'small-car'). Kept an
   * open string here so a code added by the registry does not make the whole record unreadable;
   * the licence-class rule (eligibility) decides what an unknown code means.
   */
  vehicleType: NonEmpty('Vehicle type code'),
  owner: NonEmpty('Registered owner'),
  vin: NonEmpty('Vehicle identification number'),
  status: VehicleStatus,
  inspectionValidUntil: IsoDate,
})
export type VehicleRecord = Static<typeof VehicleRecord>

// ---------------------------------------------------------------------------
// 交强险 — compulsory traffic accident liability insurance
// ---------------------------------------------------------------------------

/** Insurer codes the registry is known to use; any other non-empty code is allowed. */
export const KNOWN_INSURER_CODES = ['PICC', 'CPIC', 'PINGAN'] as const
export type KnownInsurerCode = (typeof KNOWN_INSURER_CODES)[number]

export const InsuranceRecord = Type.Object({
  plate: NonEmpty('Insured plate number'),
  /** Display name, e.g. 中国人保 / 中国太平洋 / 中国平安. */
  insurer: NonEmpty('Insurer display name'),
  /** 'PICC' | 'CPIC' | 'PINGAN' | any other insurer code. */
  insurerCode: NonEmpty('Insurer code'),
  policyNumber: NonEmpty('Policy number'),
  validFrom: IsoDate,
  validUntil: IsoDate,
})
export type InsuranceRecord = Static<typeof InsuranceRecord>

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export const NotFoundBody = Type.Object({ code: Type.Literal('NOT_FOUND') })
export type NotFoundBody = Static<typeof NotFoundBody>

export const PATHS = {
  licence: (number: string) => `v1/licences/${encodeURIComponent(number)}`,
  vehicle: (plate: string) => `v1/vehicles/${encodeURIComponent(plate)}`,
  insurance: (plate: string) => `v1/insurance/${encodeURIComponent(plate)}`,
} as const

// ---------------------------------------------------------------------------
// Code tables (zh-CN labels for display)
// ---------------------------------------------------------------------------

export const PLATE_COLOUR_LABELS: Readonly<Record<string, string>> = {
  blue: '蓝牌',
  yellow: '黄牌',
  green: '渐变绿牌',
  'yellow-green': '黄绿双拼牌',
  white: '白牌',
  black: '黑牌',
}

/** zh-CN name of a vehicle type code (from `VEHICLE_TYPES`); an unknown code is shown as is. */
export function vehicleTypeLabel(code: string): string {
  return isVehicleTypeCode(code) ? VEHICLE_TYPES[code].name : code
}

export function plateColourLabel(code: string): string {
  return PLATE_COLOUR_LABELS[code] ?? code
}

// ---------------------------------------------------------------------------
// Identifier normalisation (shared by client, server and verification).
// Plates are normalised by `normalisePlate` of `rules/plates.ts`.
// ---------------------------------------------------------------------------

/** Fold full-width characters, drop whitespace and upper-case (a trailing check character 'x' becomes 'X'). */
export function normalizeLicenceNumber(number: string): string {
  return toHalfWidth(number).replace(/\s/g, '').toUpperCase()
}
