// Whether a reported accident may be handled by remote video quick handling (seed rules + Art. 13).
// Pure: the time of the report and the service policy are inputs.
import { VEHICLE_TYPES, licenceCovers, type VehicleTypeCode } from './licence-classes.ts'
import { normalisePlate, parsePlate } from './plates.ts'
import { makeReason, type Reason, type ReasonCode } from './reasons.ts'
import { isWithinServiceHours, type ServicePolicy } from './service-hours.ts'

export type { Reason, ReasonCode } from './reasons.ts'
export type { ServicePolicy } from './service-hours.ts'

export type CheckStatus = 'valid' | 'invalid' | 'expired' | 'not_found' | 'unverified'

export interface PartyFacts {
  label: string // e.g. '甲方'
  vehicleType: VehicleTypeCode
  plate: string | null // null = vehicle without plates
  plateSuspectedForged: boolean
  licence: { status: CheckStatus; classes: string[]; attested: boolean } | null // null for non-motor parties
  registration: { status: CheckStatus; attested: boolean } | null
  insurance: { status: CheckStatus; attested: boolean } | null
  bearsLiability: boolean | null // preliminary view of the officer; null = not yet known
}

export interface EligibilityInput {
  at: Date // when the accident was reported
  insideServiceArea: boolean
  injuryOrDeath: boolean
  suspectedDrinkOrDrugs: boolean
  partyLeftScene: boolean
  deliberate: boolean
  suspectedOverload: boolean // school bus / passenger overload
  seriousSpeeding: boolean
  vehiclesMovable: boolean
  parties: PartyFacts[]
}

export interface EligibilityResult {
  eligible: boolean
  reasons: Reason[]
  flags: Reason[] // attested but unverified checks, to re-check later
}

interface Findings {
  reasons: Reason[]
  flags: Reason[]
}

/** Case-level facts that each rule out video handling on their own. */
const CASE_RULES: readonly (readonly [ReasonCode, (input: EligibilityInput) => boolean])[] = [
  ['OUTSIDE_SERVICE_AREA', i => !i.insideServiceArea],
  ['INJURY_OR_DEATH', i => i.injuryOrDeath],
  ['DRINK_OR_DRUGS', i => i.suspectedDrinkOrDrugs],
  ['LEFT_SCENE', i => i.partyLeftScene],
  ['DELIBERATE', i => i.deliberate],
  ['OVERLOAD', i => i.suspectedOverload],
  ['SERIOUS_SPEEDING', i => i.seriousSpeeding],
  ['NOT_MOVABLE', i => !i.vehiclesMovable],
]

type CheckedDocument = { status: CheckStatus; attested: boolean } | null

/** Reason codes of one looked-up document: when absent/negative, and when it could not be checked. */
const DOCUMENT_CODES = {
  licence: { failed: 'LICENCE_INVALID', unverified: 'LICENCE_UNVERIFIED' },
  registration: { failed: 'REGISTRATION_INVALID', unverified: 'REGISTRATION_UNVERIFIED' },
  insurance: { failed: 'INSURANCE_MISSING', unverified: 'INSURANCE_UNVERIFIED' },
} as const satisfies Record<string, { failed: ReasonCode; unverified: ReasonCode }>

export function assessEligibility(input: EligibilityInput, policy: ServicePolicy): EligibilityResult {
  const found: Findings = { reasons: [], flags: [] }
  if (!isWithinServiceHours(input.at, policy)) {
    found.reasons.push(makeReason('OUTSIDE_SERVICE_HOURS', { detail: `${policy.serviceStart}–${policy.serviceEnd}` }))
  }
  for (const [code, applies] of CASE_RULES) if (applies(input)) found.reasons.push(makeReason(code))

  const motorParties = input.parties.filter(p => VEHICLE_TYPES[p.vehicleType].isMotor)
  if (input.parties.length === 0) found.reasons.push(makeReason('NO_PARTIES'))
  else if (motorParties.length === 0) found.reasons.push(makeReason('NO_MOTOR_VEHICLE'))
  const withNonMotor = motorParties.length < input.parties.length

  for (const party of motorParties) checkMotorParty(party, withNonMotor, found)
  return { eligible: found.reasons.length === 0, ...found }
}

function checkMotorParty(party: PartyFacts, withNonMotor: boolean, found: Findings): void {
  const reject = (code: ReasonCode, detail?: string) => {
    found.reasons.push(makeReason(code, { party: party.label, detail }))
  }

  checkDocument(party.licence, DOCUMENT_CODES.licence, party.label, found)
  checkLicenceClass(party, reject)

  if (party.plate === null || normalisePlate(party.plate) === '') reject('PLATE_MISSING')
  else {
    if (party.plateSuspectedForged) reject('PLATE_FORGED')
    if (!parsePlate(party.plate).ok) reject('PLATE_INVALID', party.plate)
  }

  checkDocument(party.registration, DOCUMENT_CODES.registration, party.label, found)
  // Compulsory insurance is required of every motor vehicle, whoever the other party is.
  checkDocument(party.insurance, DOCUMENT_CODES.insurance, party.label, found)
  // Against a non-motor party or pedestrian the motor vehicle must also bear liability.
  if (withNonMotor && party.bearsLiability === false) reject('MOTOR_NOT_LIABLE')
  if (withNonMotor && party.bearsLiability === null) reject('LIABILITY_UNKNOWN')
}

/**
 * The class check needs classes to look at: it is skipped when the licence is absent, or not valid
 * and no classes were read (the status reason already explains the problem, or the driver attested).
 */
function checkLicenceClass(party: PartyFacts, reject: (code: ReasonCode, detail?: string) => void): void {
  const { licence } = party
  const type = VEHICLE_TYPES[party.vehicleType]
  if (!type.isMotor || licence === null) return
  if (licence.classes.length === 0 && licence.status !== 'valid') return
  if (!licenceCovers(licence.classes, type.licenceClass)) {
    reject('LICENCE_CLASS_MISMATCH', `驾驶${type.name}需准驾车型${type.licenceClass}`)
  }
}

/** valid → nothing; unverified → reason, or a flag when the party attested; otherwise → reason. */
function checkDocument(
  doc: CheckedDocument,
  codes: { failed: ReasonCode; unverified: ReasonCode },
  party: string,
  found: Findings,
): void {
  if (doc?.status === 'valid') return
  const unverified = doc?.status === 'unverified'
  const list = unverified && doc.attested ? found.flags : found.reasons
  list.push(makeReason(unverified ? codes.unverified : codes.failed, { party }))
}
