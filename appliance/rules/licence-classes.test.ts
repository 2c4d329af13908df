import t from 'tap'
import {
  LICENCE_CLASSES,
  LICENCE_CLASS_INFO,
  VEHICLE_TYPES,
  classesCoveredBy,
  isLicenceClass,
  isVehicleTypeCode,
  licenceCovers,
  requiredClassFor,
  type LicenceClass,
  type VehicleTypeCode,
} from './licence-classes.ts'

// Expected coverage written out in full (itself included), independent of the table's shape.
const EXPECTED: Record<LicenceClass, string> = {
  A1: 'A1 A3 B1 B2 C1 C2 C3 C4 M',
  A2: 'A2 B1 B2 C1 C2 C3 C4 C6 M',
  A3: 'A3 C1 C2 C3 C4',
  B1: 'B1 C1 C2 C3 C4 M',
  B2: 'B2 C1 C2 C3 C4 M',
  C1: 'C1 C2 C3 C4',
  C2: 'C2',
  C3: 'C3 C4',
  C4: 'C4',
  C5: 'C5',
  C6: 'C6',
  D: 'D E F',
  E: 'E F',
  F: 'F',
  M: 'M',
  N: 'N',
  P: 'P',
}

t.test('LICENCE_CLASSES and names', async t => {
  t.equal(LICENCE_CLASSES.length, 17)
  t.same(Object.keys(LICENCE_CLASS_INFO), [...LICENCE_CLASSES])
  t.equal(LICENCE_CLASS_INFO.C1.name, '小型汽车')
  t.equal(LICENCE_CLASS_INFO.A2.name, '重型牵引挂车')
  for (const cls of LICENCE_CLASSES) t.match(LICENCE_CLASS_INFO[cls].name, /\p{Script=Han}/u, `${cls} has a zh-CN name`)
})

t.test('isLicenceClass', async t => {
  t.ok(isLicenceClass('C1'))
  t.ok(isLicenceClass('P'))
  t.notOk(isLicenceClass('c1'))
  t.notOk(isLicenceClass('C7'))
  t.notOk(isLicenceClass('toString'))
})

t.test('classesCoveredBy: every class, positive and negative', async t => {
  for (const cls of LICENCE_CLASSES) {
    const covered = classesCoveredBy(cls)
    t.same([...covered].sort(), EXPECTED[cls].split(' ').sort(), `${cls} covers ${EXPECTED[cls]}`)
    for (const other of LICENCE_CLASSES) {
      t.equal(licenceCovers([cls], other), covered.has(other), `${cls} ${covered.has(other) ? '⊇' : '⊉'} ${other}`)
    }
  }
  t.notOk(classesCoveredBy('C1').has('C5'), 'C1 does not permit C5')
  t.notOk(classesCoveredBy('A1').has('A2'), 'A1 does not permit A2')
  t.notOk(classesCoveredBy('A2').has('A1'), 'A2 does not permit A1')
  t.notOk(classesCoveredBy('C1').has('E'), 'car licence does not permit motorcycles')
})

t.test('classesCoveredBy returns a fresh set', async t => {
  classesCoveredBy('C1').add('A1')
  t.notOk(classesCoveredBy('C1').has('A1'))
})

t.test('licenceCovers with several held classes', async t => {
  t.ok(licenceCovers(['C1', 'E'], 'F'))
  t.ok(licenceCovers(['c1 '], 'C2'), 'case and spaces ignored')
  t.ok(licenceCovers(['XX', 'B2'], 'M'), 'unknown classes skipped')
  t.notOk(licenceCovers([], 'C1'))
  t.notOk(licenceCovers(['C2', 'F'], 'C1'))
  t.notOk(licenceCovers(['toString'], 'C1'))
})

t.test('VEHICLE_TYPES', async t => {
  const expected: Record<VehicleTypeCode, [string, LicenceClass | null]> = {
    'large-bus': ['大型客车', 'A1'],
    'tractor-trailer': ['重型牵引挂车', 'A2'],
    'city-bus': ['城市公交车', 'A3'],
    'medium-bus': ['中型客车', 'B1'],
    'large-truck': ['大型货车', 'B2'],
    'small-car': ['小型汽车', 'C1'],
    'small-car-automatic': ['小型自动挡汽车', 'C2'],
    'low-speed-truck': ['低速载货汽车', 'C3'],
    'three-wheeler': ['三轮汽车', 'C4'],
    'disabled-car': ['残疾人专用小型自动挡载客汽车', 'C5'],
    'light-trailer': ['轻型牵引挂车', 'C6'],
    'three-wheel-motorcycle': ['普通三轮摩托车', 'D'],
    motorcycle: ['普通二轮摩托车', 'E'],
    moped: ['轻便摩托车', 'F'],
    'wheeled-machinery': ['轮式专用机械车', 'M'],
    trolleybus: ['无轨电车', 'N'],
    tram: ['有轨电车', 'P'],
    'e-bike': ['电动自行车', null],
    bicycle: ['自行车', null],
    pedestrian: ['行人', null],
  }
  t.same(Object.keys(VEHICLE_TYPES).sort(), Object.keys(expected).sort())
  for (const [code, [name, cls]] of Object.entries(expected) as [VehicleTypeCode, [string, LicenceClass | null]][]) {
    t.same(VEHICLE_TYPES[code], { name, isMotor: cls !== null, licenceClass: cls }, code)
    t.equal(requiredClassFor(code), cls)
  }
  const motorClasses = Object.values(VEHICLE_TYPES).flatMap(v => (v.isMotor ? [v.licenceClass] : []))
  t.same(motorClasses.sort(), [...LICENCE_CLASSES].sort(), 'one motor vehicle type per licence class')
  t.ok(isVehicleTypeCode('small-car'))
  t.notOk(isVehicleTypeCode('spaceship'))
  t.notOk(isVehicleTypeCode('constructor'))
})
