// From a licence card's reading to party data (pure): which party fields each card can fill, what the
// machine proposes for them, how the officer's values land on a party, and which ones they corrected.
import type { CardField, CardType } from '../../models/read-card.ts'
import type { PartyInput } from '../cases/case-service.ts'
import type { VehicleTypeCode } from '../rules/licence-classes.ts'

/** Party fields a card fills. A driving licence's 证号 is its holder's resident ID number. */
export interface CardPartyFields {
  name?: string
  idNumber?: string
  licenceClasses?: string[]
  licenceValidUntil?: string
  plate?: string
  vehicleType?: string
}
export type CardPartyField = keyof CardPartyFields

export const CARD_PARTY_FIELDS: Readonly<Record<CardType, readonly CardPartyField[]>> = {
  'driving-licence': ['name', 'idNumber', 'licenceClasses', 'licenceValidUntil'],
  'vehicle-licence': ['plate', 'vehicleType'],
}

/**
 * 行驶证 车辆类型 (GA 802 wording, e.g. 小型轿车, 重型普通货车) → the vehicle type the eligibility rules
 * know. First match wins; null when nothing fits (the officer picks).
 */
const VEHICLE_TYPE_RULES: Array<[RegExp, VehicleTypeCode]> = [
  [/牵引/, 'tractor-trailer'],
  [/三轮摩托/, 'three-wheel-motorcycle'],
  [/轻便.*摩托/, 'moped'],
  [/摩托/, 'motorcycle'],
  [/低速/, 'low-speed-truck'],
  [/三轮汽车/, 'three-wheeler'],
  [/无轨电车/, 'trolleybus'],
  [/大型.*客车/, 'large-bus'],
  [/中型.*客车/, 'medium-bus'],
  [/(重型|中型|大型).*货车/, 'large-truck'],
  [/(小型|微型|轻型).*(轿车|客车|货车|专项作业车)/, 'small-car'],
]

export function vehicleTypeFromCard(text: string): VehicleTypeCode | null {
  return VEHICLE_TYPE_RULES.find(([re]) => re.test(text))?.[1] ?? null
}

/** What the machine proposes for the party, from the fields it read (valid or not: the officer corrects). */
export function cardProposal(type: CardType, fields: Readonly<Record<string, CardField>>): CardPartyFields {
  const v = (name: string) => fields[name]?.value
  if (type === 'vehicle-licence') {
    const vehicleType = v('vehicleType') === undefined ? null : vehicleTypeFromCard(v('vehicleType')!)
    return {
      ...(v('plate') !== undefined ? { plate: v('plate')! } : {}),
      ...(vehicleType ? { vehicleType } : {}),
    }
  }
  return {
    ...(v('name') !== undefined ? { name: v('name')! } : {}),
    ...(v('idNumber') !== undefined ? { idNumber: v('idNumber')! } : {}),
    ...(v('classes') !== undefined ? { licenceClasses: v('classes')!.split(',').filter(Boolean) } : {}),
    ...(v('validUntil') !== undefined ? { licenceValidUntil: v('validUntil')! } : {}),
  }
}

/** Fields a card of this type cannot fill (the request names them; nothing is applied). */
export function fieldsNotOnCard(type: CardType, applied: CardPartyFields): CardPartyField[] {
  return (Object.keys(applied) as CardPartyField[]).filter((f) => !CARD_PARTY_FIELDS[type].includes(f))
}

/** The applied fields whose value differs from the machine's proposal. */
export function correctedFields(proposal: CardPartyFields, applied: CardPartyFields): CardPartyField[] {
  return (Object.keys(applied) as CardPartyField[]).filter((f) => JSON.stringify(applied[f]) !== JSON.stringify(proposal[f]))
}

/**
 * The party as it is, with the card's fields laid over it; null when a vehicle field is applied to a
 * party without a vehicle and no vehicle type is given.
 */
export function withCardFields(party: PartyInput, applied: CardPartyFields): PartyInput | null {
  const { name, idNumber, licenceClasses, licenceValidUntil, plate, vehicleType } = applied
  const next: PartyInput = {
    ...party,
    ...(name !== undefined ? { name } : {}),
    ...(idNumber !== undefined ? { idNumber, licenceNumber: idNumber } : {}),
    ...(licenceClasses !== undefined ? { licenceClasses } : {}),
    ...(licenceValidUntil !== undefined ? { licenceValidUntil } : {}),
  }
  if (plate === undefined && vehicleType === undefined) return next
  const type = vehicleType ?? party.vehicle?.vehicleType
  if (type === undefined) return null
  return { ...next, vehicle: { ...party.vehicle, vehicleType: type, ...(plate !== undefined ? { plate } : {}) } }
}
