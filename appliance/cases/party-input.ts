// A stored party and vehicle as the input that would write them again (pure): the inverse of
// upsertParty's mapping, so a partial change (licence card fields) goes through the one update path.
import type * as s from '../db/schema.ts'
import type { PartyInput } from './case-service.ts'

export function partyInputOf(party: s.PartyRow, vehicle: s.VehicleRow | null): PartyInput {
  const optional = <K extends string, V>(key: K, value: V | null) => (value === null ? {} : { [key]: value } as Record<K, V>)
  return {
    name: party.name,
    phone: party.phone,
    ...optional('idNumber', party.idNumber),
    ...optional('licenceNumber', party.licenceNumber),
    ...optional('licenceClasses', party.licenceClasses === null ? null : party.licenceClasses.split(',').filter(Boolean)),
    ...optional('licenceValidUntil', party.licenceValidUntil),
    bearsLiability: party.bearsLiability,
    ...(vehicle
      ? {
          vehicle: {
            vehicleType: vehicle.vehicleType,
            ...optional('plate', vehicle.plate),
            ...optional('plateColour', vehicle.plateColour),
            plateSuspectedForged: vehicle.plateSuspectedForged,
            ...optional('insurer', vehicle.insurer),
            ...optional('policyNumber', vehicle.policyNumber),
          },
        }
      : {}),
  }
}
