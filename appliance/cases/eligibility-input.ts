// Maps stored case rows onto the pure eligibility input. A check never run counts as unverified.
import type { CaseRow, PartyRow, VehicleRow } from '../db/schema.ts'
import type { CheckStatus, EligibilityInput, PartyFacts } from '../rules/eligibility.ts'
import { pickFacts } from './facts.ts'
import { VEHICLE_TYPES, type VehicleTypeCode } from '../rules/licence-classes.ts'

const status = (s: string | null): CheckStatus => (s as CheckStatus | null) ?? 'unverified'

function partyFacts(party: PartyRow, vehicle: VehicleRow | null): PartyFacts {
  const type = (vehicle?.vehicleType ?? 'pedestrian') as VehicleTypeCode
  const motor = VEHICLE_TYPES[type]?.isMotor ?? false
  return {
    label: party.label,
    vehicleType: type,
    plate: vehicle?.plate ?? null,
    plateSuspectedForged: vehicle?.plateSuspectedForged ?? false,
    licence: motor
      ? {
          status: status(party.licenceStatus),
          classes: party.licenceClasses ? party.licenceClasses.split(',') : [],
          attested: party.licenceAttested,
        }
      : null,
    registration: motor && vehicle
      ? { status: status(vehicle.registrationStatus), attested: vehicle.registrationAttested }
      : null,
    insurance: motor && vehicle
      ? { status: status(vehicle.insuranceStatus), attested: vehicle.insuranceAttested }
      : null,
    bearsLiability: party.bearsLiability,
  }
}

export function eligibilityInput(
  c: CaseRow,
  rows: Array<{ party: PartyRow; vehicle: VehicleRow | null }>,
): EligibilityInput {
  return {
    at: new Date(c.reportedAt),
    ...pickFacts(c),
    parties: rows.map((r) => partyFacts(r.party, r.vehicle)),
  }
}
