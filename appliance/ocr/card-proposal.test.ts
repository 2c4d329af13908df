// The pure step from a card reading to party data: proposals, vehicle types, corrections, and the
// party input the one update path receives.
import t from 'tap'
import { partyInputOf } from '../cases/party-input.ts'
import type * as s from '../db/schema.ts'
import { cardProposal, correctedFields, fieldsNotOnCard, vehicleTypeFromCard, withCardFields } from './card-proposal.ts'

const field = (value: string, valid = true) => ({ value, confidence: 0.99, valid })

t.test('行驶证 车辆类型 wording maps to the vehicle types the rules know', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['小型轿车', 'small-car'], ['小型普通客车', 'small-car'], ['微型轿车', 'small-car'], ['轻型普通货车', 'small-car'],
    ['中型普通客车', 'medium-bus'], ['大型普通客车', 'large-bus'], ['重型普通货车', 'large-truck'], ['重型半挂牵引车', 'tractor-trailer'],
    ['普通二轮摩托车', 'motorcycle'], ['普通三轮摩托车', 'three-wheel-motorcycle'], ['轻便二轮摩托车', 'moped'], ['拖拉机', null],
  ]
  for (const [text, code] of cases) t.equal(vehicleTypeFromCard(text), code, text)
})

t.test('proposals in party terms, invalid values included for the officer to correct', async (t) => {
  t.same(cardProposal('driving-licence', {
    name: field('张伟'), idNumber: field('510104198503120417', false), classes: field('A2,D'), validUntil: field('2028-05-08'), sex: field('男'),
  }), { name: '张伟', idNumber: '510104198503120417', licenceClasses: ['A2', 'D'], licenceValidUntil: '2028-05-08' })
  t.same(cardProposal('vehicle-licence', { plate: field('川A12345'), vehicleType: field('拖拉机'), vin: field('LFV2A21K8A3012345') }), { plate: '川A12345' }, 'an unknown type is left to the officer')
  t.same(cardProposal('driving-licence', {}), {})
})

t.test('fields a card cannot fill, and corrections', async (t) => {
  t.same(fieldsNotOnCard('vehicle-licence', { plate: '川A12345', name: '张伟' }), ['name'])
  t.same(fieldsNotOnCard('driving-licence', { name: '张伟', licenceClasses: ['C1'] }), [])
  const machine = { name: '张伟', licenceClasses: ['C1'] }
  t.same(correctedFields(machine, { name: '张伟', licenceClasses: ['C1'] }), [])
  t.same(correctedFields(machine, { name: '张玮', licenceClasses: ['C1', 'D'], idNumber: '510104198503120416' }), ['name', 'licenceClasses', 'idNumber'])
})

t.test('card fields laid over a stored party keep everything else', async (t) => {
  const party = {
    id: 'p', caseId: 'c', ordinal: 1, label: '甲方', name: '张玮', phone: '13800138000', idNumber: null, licenceNumber: null,
    licenceClasses: null, licenceValidUntil: null, licenceStatus: 'valid', licenceAttested: false, bearsLiability: true,
  } satisfies s.PartyRow
  const vehicle = {
    id: 'v', caseId: 'c', partyId: 'p', vehicleType: 'small-car', plate: '川A11111', plateColour: 'blue', plateSuspectedForged: false,
    registrationStatus: 'valid', registrationAttested: false, insurer: '中国人保', insurerCode: 'PICC', policyNumber: 'P1', insuredUntil: null,
    insuranceStatus: 'valid', insuranceAttested: false, verifiedAt: null,
  } satisfies s.VehicleRow
  const input = partyInputOf(party, vehicle)
  t.same(withCardFields(input, { name: '张伟', idNumber: '510104198503120416' }), {
    ...input, name: '张伟', idNumber: '510104198503120416', licenceNumber: '510104198503120416',
  }, 'the licence number is the ID number')
  t.same(withCardFields(input, { plate: '川A12345' })!.vehicle, { ...input.vehicle, plate: '川A12345' }, 'insurer and colour stay')
  const noVehicle = partyInputOf(party, null)
  t.equal(noVehicle.vehicle, undefined)
  t.equal(withCardFields(noVehicle, { plate: '川A12345' }), null, 'a vehicle needs a type')
  t.same(withCardFields(noVehicle, { plate: '川A12345', vehicleType: 'small-car' })!.vehicle, { vehicleType: 'small-car', plate: '川A12345' })
})
