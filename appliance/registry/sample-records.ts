/**
 * Well-formed registry records for tests: the `validCar` scenario of the bundled seed
 * (张伟, 510104198503120416, 川A12345), all valid on DEMO_REFERENCE_DATE.
 * Tests derive variants by spreading, e.g. `{ ...SAMPLE_LICENCE, status: 'revoked' }`.
 */
import type { InsuranceRecord, LicenceRecord, VehicleRecord } from './protocol.ts'

export const SAMPLE_LICENCE: LicenceRecord = {
  number: '510104198503120416',
  name: '张伟',
  idNumber: '510104198503120416',
  classes: ['C1'],
  validFrom: '2022-03-20',
  validUntil: '2032-03-20',
  status: 'normal',
}

export const SAMPLE_VEHICLE: VehicleRecord = {
  plate: '川A12345',
  plateColour: 'blue',
  vehicleType: 'small-car',
  owner: '张伟',
  vin: 'LSVAU2187N2123456',
  status: 'normal',
  inspectionValidUntil: '2028-03-31',
}

export const SAMPLE_INSURANCE: InsuranceRecord = {
  plate: '川A12345',
  insurer: '中国人保',
  insurerCode: 'PICC',
  policyNumber: 'PDZA202651010000012345',
  validFrom: '2026-03-21',
  validUntil: '2027-03-20',
}
