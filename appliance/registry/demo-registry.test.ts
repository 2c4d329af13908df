import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import {
  DEMO_RECORDS,
  DEMO_REFERENCE_DATE,
  RegistrySeed,
  loadDemoSeed,
  rebaseSeed,
  startDemoRegistry,
  type FailMode,
} from './demo-registry.ts'
import { isVehicleTypeCode } from '../rules/licence-classes.ts'
import { parsePlate } from '../rules/plates.ts'
import { validateResidentId } from '../rules/resident-id.ts'
import { SAMPLE_INSURANCE, SAMPLE_LICENCE, SAMPLE_VEHICLE } from './sample-records.ts'

t.test('bundled seed integrity', async (t) => {
  const seed = loadDemoSeed()
  t.ok(Value.Check(RegistrySeed, seed), 'seed matches schema')
  t.equal(seed.referenceDate, DEMO_REFERENCE_DATE)
  t.ok(seed.licences.length >= 12, `${seed.licences.length} licences`)
  t.notOk('_doc' in seed, 'doc key stripped')

  for (const l of seed.licences) {
    t.match(validateResidentId(l.number, DEMO_REFERENCE_DATE), { ok: true, id: l.number }, `${l.name} ${l.number} is a valid GB 11643 ID number`)
    t.equal(l.idNumber, l.number, `${l.name}: licence number is the ID number`)
    t.match(l.number, /^5101\d{2}/, `${l.name}: Chengdu area code`)
    t.ok(l.validFrom < l.validUntil, `${l.name}: validity window ordered`)
    const birth = `${l.number.slice(6, 10)}-${l.number.slice(10, 12)}-${l.number.slice(12, 14)}`
    t.ok(birth < l.validFrom, `${l.name}: born before licence issued`)
  }
  for (const v of seed.vehicles) {
    t.match(v.plate, /^川A/, `${v.plate}: Chengdu plate`)
    t.match(parsePlate(v.plate), { ok: true, plate: v.plate }, `${v.plate}: valid plate, already normalised`)
    t.ok(isVehicleTypeCode(v.vehicleType), `${v.plate}: vehicle type ${v.vehicleType} is a VehicleTypeCode`)
    t.match(v.vin, /^L[A-HJ-NPR-Z0-9]{16}$/, `${v.plate}: 17-char Chinese VIN`)
  }
  const plates = new Set(seed.vehicles.map((v) => v.plate))
  for (const i of seed.insurance) t.ok(plates.has(i.plate), `${i.plate}: insured vehicle exists`)
  const insurers = new Set(seed.insurance.map((i) => i.insurer))
  for (const name of ['中国人保', '中国太平洋', '中国平安']) t.ok(insurers.has(name), `has ${name}`)
  t.ok(
    seed.insurance.some((i) => !['PICC', 'CPIC', 'PINGAN'].includes(i.insurerCode)),
    'has an "other" insurer',
  )
  t.equal(new Set(seed.licences.map((l) => l.number)).size, seed.licences.length, 'unique licences')
  t.equal(plates.size, seed.vehicles.length, 'unique plates')
})

t.test('DEMO_RECORDS agree with the seed', async (t) => {
  const seed = loadDemoSeed()
  for (const [key, r] of Object.entries(DEMO_RECORDS)) {
    t.ok(validateResidentId(r.licenceNumber).ok, `${key}: valid ID number`)
    t.ok(isVehicleTypeCode(r.vehicleType), `${key}: ${r.vehicleType} is a VehicleTypeCode`)
    const licence = seed.licences.find((l) => l.number === r.licenceNumber)
    const vehicle = seed.vehicles.find((v) => v.plate === r.plate)
    if (key === 'unknown') {
      t.notOk(licence, 'unknown licence absent')
      t.notOk(vehicle, 'unknown plate absent')
      continue
    }
    t.equal(licence?.name, r.name, `${key}: name`)
    if (r.plate !== null) {
      t.equal(vehicle?.vehicleType, r.vehicleType, `${key}: vehicle type`)
      if (key !== 'truck') t.equal(vehicle?.owner, r.name, `${key}: owner`) // the truck belongs to a company
    }
  }
  const has = (plate: string) => seed.insurance.some((i) => i.plate === plate)
  t.notOk(has(DEMO_RECORDS.uninsured.plate), 'uninsured really has no policy')
  t.equal(seed.vehicles.find((v) => v.plate === DEMO_RECORDS.stolenVehicle.plate)?.status, 'stolen')
  t.equal(seed.licences.find((l) => l.number === DEMO_RECORDS.revokedLicence.licenceNumber)?.status, 'revoked')
  t.same(seed.licences.find((l) => l.number === DEMO_RECORDS.c2Licence.licenceNumber)?.classes, ['C2'])
  t.same(seed.licences.find((l) => l.number === SAMPLE_LICENCE.number), SAMPLE_LICENCE, 'sample licence is in the seed')
  t.same(seed.vehicles.find((v) => v.plate === SAMPLE_VEHICLE.plate), SAMPLE_VEHICLE, 'sample vehicle is in the seed')
  t.same(seed.insurance.find((i) => i.plate === SAMPLE_INSURANCE.plate), SAMPLE_INSURANCE, 'sample policy is in the seed')
})

t.test('rebaseSeed shifts every date', async (t) => {
  const seed = loadDemoSeed()
  const moved = rebaseSeed(seed, '2026-11-29')
  t.equal(moved.referenceDate, '2026-11-29')
  t.equal(moved.licences[0]?.validUntil, '2032-03-23')
  t.equal(moved.vehicles[0]?.inspectionValidUntil, '2028-04-03')
  t.equal(moved.insurance[0]?.validFrom, '2026-03-24')
  t.equal(seed.licences[0]?.validUntil, '2032-03-20', 'original untouched')
  t.same(rebaseSeed(seed, DEMO_REFERENCE_DATE), seed, 'identity at the reference date')
  t.throws(() => rebaseSeed(seed, 'tomorrow'), TypeError)
})

t.test('HTTP behaviour', async (t) => {
  const registry = await startDemoRegistry({ hangMs: 10_000 })
  t.teardown(() => registry.close())
  t.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const get = (path: string) => fetch(`${registry.url}${path}`, { signal: AbortSignal.timeout(2_000) })

  const ok = await get(`/v1/vehicles/${encodeURIComponent('川A12345')}`)
  t.equal(ok.status, 200)
  t.match(await ok.json(), { plate: '川A12345', owner: '张伟', status: 'normal' })

  const lic = await get(`/v1/licences/${DEMO_RECORDS.expiredLicence.licenceNumber}`)
  t.match(await lic.json(), { name: '刘洋', validUntil: '2025-02-25' })

  const missing = await get(`/v1/insurance/${encodeURIComponent(DEMO_RECORDS.uninsured.plate)}`)
  t.equal(missing.status, 404)
  t.same(await missing.json(), { code: 'NOT_FOUND' })

  t.equal(registry.failMode, 'none')
  registry.setFailMode('error500')
  t.equal((await get('/v1/licences/510104198503120416')).status, 500)
  registry.setFailMode('garbage')
  const garbage = await get('/v1/licences/510104198503120416')
  t.equal(garbage.status, 200)
  const garbageText = await garbage.text()
  t.throws(() => JSON.parse(garbageText), 'garbage body is not JSON')
  registry.setFailMode('malformed')
  t.equal((await get('/v1/licences/510104198503120416')).status, 200)
  t.throws(() => registry.setFailMode('bogus' as FailMode), TypeError)
  registry.setFailMode('none')
  t.ok(registry.requests().length >= 6, 'requests are logged')
})

t.test('timeout mode hangs, and close() still returns promptly', async (t) => {
  const registry = await startDemoRegistry({ failMode: 'timeout', hangMs: 30_000 })
  const pending = fetch(`${registry.url}/v1/licences/510104198503120416`).then(
    (r) => r.status,
    () => 'aborted',
  )
  const raced = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still hanging'), 300))])
  t.equal(raced, 'still hanging')
  const started = Date.now()
  await registry.close()
  t.ok(Date.now() - started < 2_000, 'closed promptly')
  t.ok(['aborted', 504].includes((await pending) as string | number), 'hanging request ended')
  await registry.close() // idempotent
})

t.test('custom seed and validation', async (t) => {
  const registry = await startDemoRegistry({
    seed: {
      licences: [],
      vehicles: [],
      insurance: [
        {
          plate: '川A88888',
          insurer: '其他',
          insurerCode: 'OTHER',
          policyNumber: 'X-1',
          validFrom: '2026-01-01',
          validUntil: '2026-12-31',
        },
      ],
    },
  })
  t.teardown(() => registry.close())
  const res = await fetch(`${registry.url}/v1/insurance/${encodeURIComponent('川A·88888')}`)
  t.equal(res.status, 200, 'lookup by a non-normalised plate still hits')
  t.equal((await fetch(`${registry.url}/v1/licences/510104198503120416`)).status, 404)

  await t.rejects(
    startDemoRegistry({ seed: { licences: [{ number: 1 }], vehicles: [], insurance: [] } as unknown as RegistrySeed }),
    /Invalid registry seed/,
  )
})
