import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  InsuranceRecord,
  IsoDate,
  LicenceRecord,
  NotFoundBody,
  PATHS,
  VehicleRecord,
  normalizeLicenceNumber,
  plateColourLabel,
  vehicleTypeLabel,
} from './protocol.ts'
import { SAMPLE_INSURANCE, SAMPLE_LICENCE, SAMPLE_VEHICLE } from './sample-records.ts'

const licence = SAMPLE_LICENCE

t.test('schemas accept well-formed records', async (t) => {
  t.ok(Value.Check(LicenceRecord, licence))
  t.ok(Value.Check(VehicleRecord, SAMPLE_VEHICLE))
  t.ok(Value.Check(InsuranceRecord, SAMPLE_INSURANCE))
  t.ok(Value.Check(NotFoundBody, { code: 'NOT_FOUND' }))
  t.ok(Value.Check(LicenceRecord, { ...licence, extra: 'ignored' }), 'extra properties tolerated')
})

t.test('schemas reject malformed records', async (t) => {
  t.notOk(Value.Check(LicenceRecord, { ...licence, status: 'ok' }), 'unknown status')
  t.notOk(Value.Check(LicenceRecord, { ...licence, validUntil: '2032/03/20' }), 'bad date')
  t.notOk(Value.Check(LicenceRecord, { ...licence, classes: 'C1' }), 'classes not array')
  t.notOk(Value.Check(LicenceRecord, { ...licence, name: '' }), 'empty name')
  const { validUntil: _omit, ...missing } = licence
  t.notOk(Value.Check(LicenceRecord, missing), 'missing validUntil')
  t.notOk(Value.Check(IsoDate, '2026-13-01'))
  t.notOk(Value.Check(NotFoundBody, { message: 'Not Found' }))
})

t.test('normalisation and paths', async (t) => {
  t.equal(normalizeLicenceNumber(' 11010519491231002x '), '11010519491231002X')
  t.equal(normalizeLicenceNumber('５１０１０４１９８５０３１２０４１６'), '510104198503120416', 'full-width digits folded')
  t.equal(PATHS.vehicle('川A12345'), 'v1/vehicles/%E5%B7%9DA12345')
  t.equal(PATHS.licence('510104198503120416'), 'v1/licences/510104198503120416')
})

t.test('display labels', async (t) => {
  t.equal(vehicleTypeLabel('small-car'), '小型汽车', 'from VEHICLE_TYPES of rules/licence-classes.ts')
  t.equal(vehicleTypeLabel('large-truck'), '大型货车')
  t.equal(vehicleTypeLabel('hovercraft'), 'hovercraft', 'unknown code passes through')
  t.equal(vehicleTypeLabel('toString'), 'toString', 'no prototype keys')
  t.equal(plateColourLabel('yellow'), '黄牌')
  t.equal(plateColourLabel('purple'), 'purple')
})
