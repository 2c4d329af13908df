import t from 'tap'
import {
  assessEligibility,
  type EligibilityInput,
  type PartyFacts,
  type ReasonCode,
  type ServicePolicy,
} from './eligibility.ts'
import { REASON_CODES } from './reasons.ts'
import type { VehicleTypeCode } from './licence-classes.ts'

const policy: ServicePolicy = { serviceStart: '07:00', serviceEnd: '19:00', timeZone: 'Asia/Shanghai' }

const car = (label: string, overrides: Partial<PartyFacts> = {}): PartyFacts => ({
  label,
  vehicleType: 'small-car',
  plate: '川A12345',
  plateSuspectedForged: false,
  licence: { status: 'valid', classes: ['C1'], attested: false },
  registration: { status: 'valid', attested: false },
  insurance: { status: 'valid', attested: false },
  bearsLiability: true,
  ...overrides,
})

const nonMotor = (label: string, vehicleType: VehicleTypeCode = 'e-bike'): PartyFacts => ({
  label,
  vehicleType,
  plate: null,
  plateSuspectedForged: false,
  licence: null,
  registration: null,
  insurance: null,
  bearsLiability: null,
})

/** Motor vs motor at 10:00 Shanghai time, everything in order. */
const baseline = (): EligibilityInput => ({
  at: new Date('2024-05-01T02:00:00Z'),
  insideServiceArea: true,
  injuryOrDeath: false,
  suspectedDrinkOrDrugs: false,
  partyLeftScene: false,
  deliberate: false,
  suspectedOverload: false,
  seriousSpeeding: false,
  vehiclesMovable: true,
  parties: [car('甲方'), car('乙方', { plate: '川AD12345', bearsLiability: false })],
})

const codes = (input: EligibilityInput) => assessEligibility(input, policy).reasons.map(r => r.code)
const first = (i: EligibilityInput): PartyFacts => i.parties[0]!

// One minimal change per reason code; the Record type makes a missing code a compile error.
const TRIGGERS: Record<ReasonCode, (i: EligibilityInput) => void> = {
  OUTSIDE_SERVICE_HOURS: i => { i.at = new Date('2024-05-01T12:00:00Z') }, // 20:00
  OUTSIDE_SERVICE_AREA: i => { i.insideServiceArea = false },
  INJURY_OR_DEATH: i => { i.injuryOrDeath = true },
  DRINK_OR_DRUGS: i => { i.suspectedDrinkOrDrugs = true },
  LEFT_SCENE: i => { i.partyLeftScene = true },
  DELIBERATE: i => { i.deliberate = true },
  OVERLOAD: i => { i.suspectedOverload = true },
  SERIOUS_SPEEDING: i => { i.seriousSpeeding = true },
  NOT_MOVABLE: i => { i.vehiclesMovable = false },
  NO_PARTIES: i => { i.parties = [] },
  NO_MOTOR_VEHICLE: i => { i.parties = [nonMotor('甲方', 'bicycle'), nonMotor('乙方', 'pedestrian')] },
  LICENCE_INVALID: i => { first(i).licence = { status: 'expired', classes: ['C1'], attested: false } },
  LICENCE_UNVERIFIED: i => { first(i).licence = { status: 'unverified', classes: ['C1'], attested: false } },
  LICENCE_CLASS_MISMATCH: i => { first(i).licence = { status: 'valid', classes: ['C2'], attested: false } },
  PLATE_MISSING: i => { first(i).plate = null },
  PLATE_FORGED: i => { first(i).plateSuspectedForged = true },
  PLATE_INVALID: i => { first(i).plate = '川A1234I' },
  REGISTRATION_INVALID: i => { first(i).registration = { status: 'not_found', attested: false } },
  REGISTRATION_UNVERIFIED: i => { first(i).registration = { status: 'unverified', attested: false } },
  INSURANCE_MISSING: i => { first(i).insurance = { status: 'expired', attested: false } },
  INSURANCE_UNVERIFIED: i => { first(i).insurance = { status: 'unverified', attested: false } },
  MOTOR_NOT_LIABLE: i => { i.parties = [car('甲方', { bearsLiability: false }), nonMotor('乙方')] },
  LIABILITY_UNKNOWN: i => { i.parties = [car('甲方', { bearsLiability: null }), nonMotor('乙方', 'pedestrian')] },
}
const PARTY_CODES = new Set<ReasonCode>([
  'LICENCE_INVALID', 'LICENCE_UNVERIFIED', 'LICENCE_CLASS_MISMATCH', 'PLATE_MISSING', 'PLATE_FORGED',
  'PLATE_INVALID', 'REGISTRATION_INVALID', 'REGISTRATION_UNVERIFIED', 'INSURANCE_MISSING',
  'INSURANCE_UNVERIFIED', 'MOTOR_NOT_LIABLE', 'LIABILITY_UNKNOWN',
])

t.test('a fully valid baseline is eligible', async t => {
  t.same(assessEligibility(baseline(), policy), { eligible: true, reasons: [], flags: [] })
})

t.test('each reason code triggers on its own', async t => {
  t.same(Object.keys(TRIGGERS).sort(), [...REASON_CODES].sort(), 'every code has a trigger')
  for (const code of REASON_CODES) {
    const input = baseline()
    TRIGGERS[code](input)
    const result = assessEligibility(input, policy)
    t.equal(result.eligible, false, `${code}: ineligible`)
    t.same(result.reasons.map(r => r.code), [code], `${code}: the only reason`)
    t.equal(result.reasons[0]?.party, PARTY_CODES.has(code) ? '甲方' : undefined, `${code}: party label`)
    t.same(result.flags, [], `${code}: no flags`)
  }
})

t.test('service hours: boundaries in Asia/Shanghai given as UTC', async t => {
  const at = (iso: string) => ({ ...baseline(), at: new Date(iso) })
  t.same(codes(at('2024-05-01T22:59:00Z')), ['OUTSIDE_SERVICE_HOURS'], '06:59')
  t.same(codes(at('2024-05-01T23:00:00Z')), [], '07:00')
  t.same(codes(at('2024-05-02T10:59:00Z')), [], '18:59')
  t.same(codes(at('2024-05-02T11:00:00Z')), ['OUTSIDE_SERVICE_HOURS'], '19:00')
  const text = assessEligibility(at('2024-05-02T11:00:00Z'), policy).reasons[0]?.text ?? ''
  t.match(text, '07:00–19:00', 'the hours come from the policy')
  const utcPolicy = { ...policy, timeZone: 'UTC' }
  t.equal(assessEligibility(at('2024-05-01T22:59:00Z'), utcPolicy).eligible, false, '22:59 UTC')
  t.equal(assessEligibility(at('2024-05-01T12:00:00Z'), utcPolicy).eligible, true, 'zone taken from the policy')
})

t.test('all failed conditions are collected', async t => {
  const input = baseline()
  input.injuryOrDeath = true
  input.suspectedDrinkOrDrugs = true
  input.at = new Date('2024-05-01T22:00:00Z') // 06:00
  input.parties[0] = car('甲方', { licence: { status: 'not_found', classes: [], attested: false }, plate: null })
  input.parties[1] = car('乙方', { insurance: null, plateSuspectedForged: true })
  const result = assessEligibility(input, policy)
  t.equal(result.eligible, false)
  t.same(
    result.reasons.map(r => [r.code, r.party]),
    [
      ['OUTSIDE_SERVICE_HOURS', undefined],
      ['INJURY_OR_DEATH', undefined],
      ['DRINK_OR_DRUGS', undefined],
      ['LICENCE_INVALID', '甲方'],
      ['PLATE_MISSING', '甲方'],
      ['PLATE_FORGED', '乙方'],
      ['INSURANCE_MISSING', '乙方'],
    ],
  )
})

t.test('attestation turns an unverified check into a flag', async t => {
  const input = baseline()
  input.parties[0] = car('甲方', {
    licence: { status: 'unverified', classes: [], attested: true },
    registration: { status: 'unverified', attested: true },
    insurance: { status: 'unverified', attested: true },
  })
  const result = assessEligibility(input, policy)
  t.equal(result.eligible, true)
  t.same(result.reasons, [])
  t.same(
    result.flags.map(f => [f.code, f.party]),
    [
      ['LICENCE_UNVERIFIED', '甲方'],
      ['REGISTRATION_UNVERIFIED', '甲方'],
      ['INSURANCE_UNVERIFIED', '甲方'],
    ],
  )
})

t.test('attested licence classes are still checked when known', async t => {
  const input = baseline()
  first(input).licence = { status: 'unverified', classes: ['E'], attested: true }
  const result = assessEligibility(input, policy)
  t.same(result.reasons.map(r => r.code), ['LICENCE_CLASS_MISMATCH'])
  t.same(result.flags.map(r => r.code), ['LICENCE_UNVERIFIED'])
})

t.test('attestation does not rescue a negative check', async t => {
  const input = baseline()
  first(input).licence = { status: 'invalid', classes: ['C1'], attested: true }
  first(input).insurance = { status: 'not_found', attested: true }
  const result = assessEligibility(input, policy)
  t.same(result.reasons.map(r => r.code), ['LICENCE_INVALID', 'INSURANCE_MISSING'])
  t.same(result.flags, [])
})

t.test('licence status and class details', async t => {
  for (const status of ['invalid', 'expired', 'not_found'] as const) {
    const input = baseline()
    first(input).licence = { status, classes: [], attested: false }
    t.same(codes(input), ['LICENCE_INVALID'], `${status} without classes: no class reason`)
  }
  const missing = baseline()
  first(missing).licence = null
  first(missing).registration = null
  first(missing).insurance = null
  t.same(codes(missing), ['LICENCE_INVALID', 'REGISTRATION_INVALID', 'INSURANCE_MISSING'], 'null documents on a motor party')

  const noClasses = baseline()
  first(noClasses).licence = { status: 'valid', classes: [], attested: false }
  t.same(codes(noClasses), ['LICENCE_CLASS_MISMATCH'], 'valid licence with no classes read')

  const higher = baseline()
  first(higher).licence = { status: 'valid', classes: ['A1'], attested: false }
  t.same(codes(higher), [], 'A1 may drive a small car')

  const motorbike = baseline()
  motorbike.parties[1] = car('乙方', {
    vehicleType: 'motorcycle',
    plate: '川A1234学',
    licence: { status: 'valid', classes: ['C1'], attested: false },
  })
  t.same(codes(motorbike), ['LICENCE_CLASS_MISMATCH'], 'C1 may not ride a motorcycle')
  t.match(assessEligibility(motorbike, policy).reasons[0]?.text ?? '', '需准驾车型E')
})

t.test('plates', async t => {
  const blank = baseline()
  first(blank).plate = ' · '
  t.same(codes(blank), ['PLATE_MISSING'], 'a blank plate string is a missing plate')
  const messy = baseline()
  first(messy).plate = '川ａ·１２３４５'
  t.same(codes(messy), [], 'plates are normalised before validation')
  const both = baseline()
  first(both).plate = '港A12345'
  first(both).plateSuspectedForged = true
  t.same(codes(both), ['PLATE_FORGED', 'PLATE_INVALID'])
})

t.test('motor vs non-motor', async t => {
  const liable = baseline()
  liable.parties = [car('甲方'), nonMotor('乙方')]
  const expected = { eligible: true, reasons: [], flags: [] }
  t.same(assessEligibility(liable, policy), expected, 'insured and liable motor vehicle')

  const uninsuredNotLiable = baseline()
  uninsuredNotLiable.parties = [
    car('甲方', { insurance: { status: 'invalid', attested: false }, bearsLiability: false }),
    nonMotor('乙方', 'bicycle'),
  ]
  t.same(codes(uninsuredNotLiable), ['INSURANCE_MISSING', 'MOTOR_NOT_LIABLE'])

  const twoCars = baseline()
  twoCars.parties = [
    car('甲方'),
    car('乙方', { plate: '川B54321', bearsLiability: false }),
    nonMotor('丙方', 'pedestrian'),
  ]
  const result = assessEligibility(twoCars, policy)
  t.same(result.reasons.map(r => [r.code, r.party]), [['MOTOR_NOT_LIABLE', '乙方']], 'every motor party must bear liability')

  const motorVsMotor = baseline()
  first(motorVsMotor).bearsLiability = null
  t.same(codes(motorVsMotor), [], 'liability does not matter between motor vehicles')
})

t.test('single motor vehicle still needs insurance', async t => {
  const alone = baseline()
  alone.parties = [car('甲方', { bearsLiability: null })]
  t.same(codes(alone), [])
  alone.parties = [car('甲方', { insurance: { status: 'expired', attested: false } })]
  t.same(codes(alone), ['INSURANCE_MISSING'])
})

t.test('the input is not modified', async t => {
  const input = baseline()
  first(input).plate = null
  const copy = structuredClone(input)
  assessEligibility(input, policy)
  t.same(input, copy)
})
