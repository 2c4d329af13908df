import t from 'tap'
import { createRegistryClient, type LookupResult, type RegistryClient } from './client.ts'
import { DEMO_RECORDS, DEMO_REFERENCE_DATE, startDemoRegistry, type DemoRecordKey } from './demo-registry.ts'
import type { InsuranceRecord, LicenceRecord, VehicleRecord } from './protocol.ts'
import { SAMPLE_INSURANCE, SAMPLE_LICENCE, SAMPLE_VEHICLE } from './sample-records.ts'
import {
  assessRecords,
  chinaToday,
  verifyParty,
  type CheckStatus,
  type PartyVerification,
} from './verification.ts'

const TODAY = DEMO_REFERENCE_DATE // 2026-11-26 — the date the seed scenarios are written for
const CHECKED_AT = '2026-11-26T02:00:00.000Z'

const licence = (over: Partial<LicenceRecord> = {}): LookupResult<LicenceRecord> => ({
  kind: 'found',
  record: { ...SAMPLE_LICENCE, ...over },
})
const vehicle = (over: Partial<VehicleRecord> = {}): LookupResult<VehicleRecord> => ({
  kind: 'found',
  record: { ...SAMPLE_VEHICLE, ...over },
})
const insurance = (over: Partial<InsuranceRecord> = {}): LookupResult<InsuranceRecord> => ({
  kind: 'found',
  record: { ...SAMPLE_INSURANCE, ...over },
})
const unreachable = { kind: 'unreachable', detail: '登记系统服务异常（HTTP 500）' } as const
const notFound = { kind: 'not_found' } as const

const assess = (
  parts: Partial<Parameters<typeof assessRecords>[0]>,
  today = TODAY,
): PartyVerification =>
  assessRecords(
    { licence: licence(), vehicle: vehicle(), insurance: insurance(), vehicleType: 'small-car', ...parts },
    today,
    CHECKED_AT,
  )

const statuses = (v: PartyVerification) => [v.licence?.status ?? null, v.registration?.status ?? null, v.insurance?.status ?? null]

t.test('assessRecords: all valid', async (t) => {
  const v = assess({})
  t.same(statuses(v), ['valid', 'valid', 'valid'])
  t.equal(v.checkedAt, CHECKED_AT)
  t.same(v.licence, {
    status: 'valid',
    classes: ['C1'],
    name: '张伟',
    validUntil: '2032-03-20',
    detail: '驾驶证状态正常，准驾车型C1，有效期至2032-03-20',
  })
  t.same(v.registration, {
    status: 'valid',
    vehicleType: 'small-car',
    plateColour: 'blue',
    detail: '机动车登记状态正常（小型汽车，蓝牌），检验有效期至2028-03-31',
  })
  t.match(v.insurance, {
    status: 'valid',
    insurer: '中国人保',
    insurerCode: 'PICC',
    policyNumber: 'PDZA202651010000012345',
    validUntil: '2027-03-20',
    detail: /交强险有效/,
  })
})

t.test('assessRecords: null sections when nothing was given', async (t) => {
  const v = assess({ licence: null, vehicle: null, insurance: null })
  t.same(statuses(v), [null, null, null])
})

t.test('assessRecords: unreachable → unverified, never valid', async (t) => {
  const v = assess({ licence: unreachable, vehicle: unreachable, insurance: unreachable })
  t.same(statuses(v), ['unverified', 'unverified', 'unverified'])
  t.match(v.licence?.detail, /未能核验.*HTTP 500.*人工/)
  t.same(v.licence?.classes, [])
  t.notOk(v.licence?.name, 'no record data leaks into an unverified result')
  t.notOk(v.insurance?.insurer)
})

t.test('assessRecords: not_found', async (t) => {
  const v = assess({ licence: notFound, vehicle: notFound, insurance: notFound })
  t.same(statuses(v), ['not_found', 'not_found', 'not_found'])
  t.match(v.insurance?.detail, /未查到.*交强险/)
  const typo = assess({ licence: notFound, licenceNumber: '510104198503120417' })
  t.match(typo.licence?.detail, /校验位不正确/, 'hints at a typo when the check character is wrong')
  const noTypo = assess({ licence: notFound, licenceNumber: '510107199101015510' })
  t.equal(noTypo.licence?.detail, '全国登记系统中未查到该驾驶证', 'no hint for a well-formed ID number')
  const badDate = assess({ licence: notFound, licenceNumber: '510104198502300415' })
  t.match(badDate.licence?.detail, /出生日期无效/, 'hints at an impossible birth date (Feb 30)')
  for (const n of ['5101041985031204', 'P12345678', '']) {
    t.equal(assess({ licence: notFound, licenceNumber: n }).licence?.detail, '全国登记系统中未查到该驾驶证', `no hint for ${JSON.stringify(n)}`)
  }
})

t.test('assessRecords: licence rules', async (t) => {
  t.equal(assess({ licence: licence({ status: 'revoked' }) }).licence?.status, 'invalid')
  t.match(assess({ licence: licence({ status: 'revoked' }) }).licence?.detail, /吊销/)
  t.equal(assess({ licence: licence({ status: 'suspended' }) }).licence?.status, 'invalid')
  t.match(assess({ licence: licence({ status: 'suspended' }) }).licence?.detail, /暂扣/)
  const expired = assess({ licence: licence({ validUntil: '2026-11-25' }) }).licence
  t.equal(expired?.status, 'expired')
  t.equal(expired?.detail, '驾驶证已于2026-11-25超过有效期')
  t.equal(assess({ licence: licence({ validUntil: TODAY }) }).licence?.status, 'valid', 'valid through its last day')
  t.equal(assess({ licence: licence({ validFrom: '2026-11-27' }) }).licence?.status, 'invalid', 'not yet valid')
  const both = assess({ licence: licence({ status: 'revoked', validUntil: '2020-01-01' }) }).licence
  t.equal(both?.status, 'invalid', 'invalid outranks expired')
  t.match(both?.detail, /吊销.*超过有效期/)
})

t.test('assessRecords: licence classes are reported, not judged (eligibility owns the class rule)', async (t) => {
  const c2 = licence({ classes: ['C2'] })
  const manual = assess({ licence: c2 }).licence
  t.same(manual, {
    status: 'valid',
    classes: ['C2'],
    name: '张伟',
    validUntil: '2032-03-20',
    detail: '驾驶证状态正常，准驾车型C2，有效期至2032-03-20',
  }, 'C2 licence with a manual small car: still valid')
  t.equal(
    assess({ licence: licence({ classes: ['C1'] }), vehicle: vehicle({ vehicleType: 'large-truck' }) }).licence?.status,
    'valid',
    'C1 licence with a large truck: still valid',
  )
  const unknownType = assess({ vehicle: null, insurance: null, vehicleType: 'hovercraft' }).licence
  t.equal(unknownType?.status, 'valid', 'an unknown vehicle type does not affect the licence status')
  const noClasses = assess({ licence: licence({ classes: [] }) }).licence
  t.equal(noClasses?.status, 'valid')
  t.match(noClasses?.detail, /准驾车型无/)
  const suspendedC2 = assess({ licence: licence({ classes: ['C2'], status: 'suspended' }) }).licence
  t.same([suspendedC2?.status, suspendedC2?.classes], ['invalid', ['C2']], 'classes reported alongside a bad status')
  t.equal(suspendedC2?.detail, '驾驶证处于暂扣状态')
})

t.test('assessRecords: registration rules', async (t) => {
  for (const status of ['stolen', 'scrapped', 'seized'] as const) {
    t.equal(assess({ vehicle: vehicle({ status }) }).registration?.status, 'invalid', status)
  }
  t.match(assess({ vehicle: vehicle({ status: 'stolen' }) }).registration?.detail, /被盗抢/)
  const lapsed = assess({ vehicle: vehicle({ inspectionValidUntil: '2025-09-30' }) }).registration
  t.equal(lapsed?.status, 'expired')
  t.match(lapsed?.detail, /检验有效期已于2025-09-30届满/)
  t.equal(
    assess({ vehicle: vehicle({ status: 'scrapped', inspectionValidUntil: '2024-11-30' }) }).registration?.status,
    'invalid',
    'invalid outranks expired',
  )
  const mismatch = assess({ vehicle: vehicle({ vehicleType: 'large-truck' }), vehicleType: 'small-car' }).registration
  t.equal(mismatch?.status, 'valid')
  t.match(mismatch?.detail, /登记车型为大型货车，与申报的小型汽车不一致/)
})

t.test('assessRecords: insurance rules', async (t) => {
  const ended = assess({ insurance: insurance({ validFrom: '2025-10-20', validUntil: '2026-10-19' }) }).insurance
  t.equal(ended?.status, 'expired')
  t.match(ended?.detail, /交强险已于2026-10-19到期/)
  const future = assess({ insurance: insurance({ validFrom: '2026-12-01', validUntil: '2027-11-30' }) }).insurance
  t.equal(future?.status, 'expired', 'not yet in force')
  t.match(future?.detail, /尚未生效/)
  t.equal(assess({ insurance: insurance({ validUntil: TODAY }) }).insurance?.status, 'valid')
  t.equal(assess({ insurance: insurance({ validFrom: TODAY }) }).insurance?.status, 'valid')
})

t.test('assessRecords rejects a malformed today', async (t) => {
  t.throws(() => assess({}, '26/11/2026'), TypeError)
})

t.test('chinaToday uses UTC+8', async (t) => {
  t.equal(chinaToday(new Date('2026-11-26T15:59:59Z')), '2026-11-26')
  t.equal(chinaToday(new Date('2026-11-26T16:00:00Z')), '2026-11-27')
})

type Expected = [CheckStatus | null, CheckStatus | null, CheckStatus | null]
const EXPECTED: Record<DemoRecordKey, Expected> = {
  validCar: ['valid', 'valid', 'valid'],
  validNewEnergy: ['valid', 'valid', 'valid'],
  c2Licence: ['valid', 'valid', 'valid'], // the class mismatch is eligibility's LICENCE_CLASS_MISMATCH
  expiredLicence: ['expired', 'valid', 'valid'],
  revokedLicence: ['invalid', 'valid', 'valid'],
  suspendedLicence: ['invalid', null, null],
  uninsured: ['valid', 'valid', 'not_found'],
  expiredInsurance: ['valid', 'valid', 'expired'],
  stolenVehicle: ['valid', 'invalid', 'valid'],
  inspectionExpired: ['valid', 'expired', 'valid'],
  truck: ['valid', 'valid', 'valid'],
  scrappedVehicle: ['valid', 'invalid', 'expired'],
  seizedVehicle: ['valid', 'invalid', 'valid'],
  unknown: ['not_found', 'not_found', 'not_found'],
}

const partyOf = (key: DemoRecordKey) => {
  const r = DEMO_RECORDS[key]
  return { licenceNumber: r.licenceNumber, plate: r.plate, vehicleType: r.vehicleType }
}

t.test('verifyParty against the demo registry', async (t) => {
  const registry = await startDemoRegistry({ hangMs: 5_000 })
  t.teardown(() => registry.close())
  const client = createRegistryClient({ baseUrl: registry.url, timeoutMs: 500 })

  for (const key of Object.keys(EXPECTED) as DemoRecordKey[]) {
    const v = await verifyParty(client, partyOf(key), TODAY)
    t.same(statuses(v), EXPECTED[key], `${key} (${DEMO_RECORDS[key].scenario})`)
    t.ok(!Number.isNaN(Date.parse(v.checkedAt)), `${key}: checkedAt is ISO`)
  }

  t.test('details and data for well-known records', async (t) => {
    const ok = await verifyParty(client, partyOf('validCar'), TODAY)
    t.match(ok.licence, { name: '张伟', classes: ['C1'], validUntil: '2032-03-20' })
    t.match(ok.insurance, { insurer: '中国人保', insurerCode: 'PICC' })
    const truck = await verifyParty(client, partyOf('truck'), TODAY)
    t.match(truck.registration, { vehicleType: 'large-truck', plateColour: 'yellow' })
    t.match(truck.insurance, { insurer: '中华联合', status: 'valid' })
    const c2 = await verifyParty(client, partyOf('c2Licence'), TODAY)
    t.match(c2.licence, { status: 'valid', classes: ['C2'], detail: /准驾车型C2/ })
    const uninsured = await verifyParty(client, partyOf('uninsured'), TODAY)
    t.match(uninsured.insurance?.detail, /未查到该车辆的交强险投保记录/)
  })

  t.test('input normalisation; blank/null → null sections, no lookups', async (t) => {
    const before = registry.requests().length
    const none = await verifyParty(client, { licenceNumber: null, plate: '  ', vehicleType: 'small-car' }, TODAY)
    t.same(statuses(none), [null, null, null])
    t.equal(registry.requests().length, before, 'no requests made')
    const messy = await verifyParty(
      client,
      { licenceNumber: ' 51010619780225317x ', plate: '川ａ·3B8C6', vehicleType: 'small-car' },
      TODAY,
    )
    t.same(statuses(messy), ['expired', 'valid', 'valid'])
  })

  t.test('the same scenarios hold after rebasing to another day', async (t) => {
    const later = '2031-01-15'
    const rebased = await startDemoRegistry({ rebaseTo: later })
    t.teardown(() => rebased.close())
    const c = createRegistryClient({ baseUrl: rebased.url, timeoutMs: 500 })
    for (const key of Object.keys(EXPECTED) as DemoRecordKey[]) {
      t.same(statuses(await verifyParty(c, partyOf(key), later)), EXPECTED[key], key)
    }
  })

  for (const mode of ['error500', 'timeout', 'garbage', 'malformed'] as const) {
    t.test(`registry failing (${mode}) → unverified, never valid`, async (t) => {
      registry.setFailMode(mode)
      t.teardown(() => registry.setFailMode('none'))
      const results = await Promise.all(
        (Object.keys(EXPECTED) as DemoRecordKey[]).map((key) => verifyParty(client, partyOf(key), TODAY)),
      )
      for (const v of results) {
        for (const s of statuses(v)) {
          if (s !== null) t.equal(s, 'unverified')
        }
        t.not(v.licence?.status, 'valid')
      }
    })
  }

  t.test('lookups run in parallel', async (t) => {
    registry.setFailMode('timeout')
    t.teardown(() => registry.setFailMode('none'))
    const slow = createRegistryClient({ baseUrl: registry.url, timeoutMs: 600 })
    const started = Date.now()
    const v = await verifyParty(slow, partyOf('validCar'), TODAY)
    const elapsed = Date.now() - started
    t.same(statuses(v), ['unverified', 'unverified', 'unverified'])
    t.ok(elapsed < 1_500, `took ${elapsed} ms (sequential would be ≥ 1800 ms)`)
  })
})

t.test('verifyParty with a registry that is down entirely', async (t) => {
  const registry = await startDemoRegistry()
  const url = registry.url
  await registry.close()
  const client = createRegistryClient({ baseUrl: url, timeoutMs: 500 })
  const v = await verifyParty(client, partyOf('validCar'), TODAY)
  t.same(statuses(v), ['unverified', 'unverified', 'unverified'])
  t.match(v.registration?.detail, /连接被拒绝/)
})

t.test('verifyParty survives a client that throws', async (t) => {
  const boom = async (): Promise<never> => {
    throw new Error('boom')
  }
  const client: RegistryClient = { lookupLicence: boom, lookupVehicle: boom, lookupInsurance: boom }
  const v = await verifyParty(client, partyOf('validCar'), TODAY)
  t.same(statuses(v), ['unverified', 'unverified', 'unverified'])
  await t.rejects(verifyParty(client, partyOf('validCar'), '2026-11-26T00:00'), TypeError)
})
