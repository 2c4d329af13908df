// Driving-licence classes (准驾车型) and the vehicle types they permit (MPS Order No. 162).

export const LICENCE_CLASSES = [
  'A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'D', 'E', 'F', 'M', 'N', 'P',
] as const

export type LicenceClass = (typeof LICENCE_CLASSES)[number]

export interface LicenceClassInfo {
  name: string
  /** Classes this one also permits directly (the national table); coverage is their closure. */
  includes: readonly LicenceClass[]
}

export const LICENCE_CLASS_INFO: Readonly<Record<LicenceClass, LicenceClassInfo>> = {
  A1: { name: '大型客车', includes: ['A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'C4', 'M'] },
  A2: { name: '重型牵引挂车', includes: ['B1', 'B2', 'C1', 'C2', 'C3', 'C4', 'C6', 'M'] },
  A3: { name: '城市公交车', includes: ['C1', 'C2', 'C3', 'C4'] },
  B1: { name: '中型客车', includes: ['C1', 'C2', 'C3', 'C4', 'M'] },
  B2: { name: '大型货车', includes: ['C1', 'C2', 'C3', 'C4', 'M'] },
  C1: { name: '小型汽车', includes: ['C2', 'C3', 'C4'] },
  C2: { name: '小型自动挡汽车', includes: [] },
  C3: { name: '低速载货汽车', includes: ['C4'] },
  C4: { name: '三轮汽车', includes: [] },
  C5: { name: '残疾人专用小型自动挡载客汽车', includes: [] },
  C6: { name: '轻型牵引挂车', includes: [] },
  D: { name: '普通三轮摩托车', includes: ['E', 'F'] },
  E: { name: '普通二轮摩托车', includes: ['F'] },
  F: { name: '轻便摩托车', includes: [] },
  M: { name: '轮式专用机械车', includes: [] },
  N: { name: '无轨电车', includes: [] },
  P: { name: '有轨电车', includes: [] },
}

export function isLicenceClass(s: string): s is LicenceClass {
  return Object.hasOwn(LICENCE_CLASS_INFO, s)
}

/** Every class a licence of `cls` permits, itself included (transitive). */
export function classesCoveredBy(cls: LicenceClass): Set<LicenceClass> {
  const covered = new Set<LicenceClass>()
  const pending: LicenceClass[] = [cls]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (covered.has(next)) continue
    covered.add(next)
    pending.push(...LICENCE_CLASS_INFO[next].includes)
  }
  return covered
}

/** True when any held class (case and spaces ignored; unknown ones skipped) permits `required`. */
export function licenceCovers(held: readonly string[], required: LicenceClass): boolean {
  return held.some(raw => {
    const cls = raw.trim().toUpperCase()
    return isLicenceClass(cls) && classesCoveredBy(cls).has(required)
  })
}

export type VehicleType =
  | { name: string; isMotor: true; licenceClass: LicenceClass }
  | { name: string; isMotor: false; licenceClass: null }

const motor = (name: string, licenceClass: LicenceClass): VehicleType => ({ name, isMotor: true, licenceClass })
const nonMotor = (name: string): VehicleType => ({ name, isMotor: false, licenceClass: null })

export const VEHICLE_TYPES = {
  'large-bus': motor('大型客车', 'A1'),
  'tractor-trailer': motor('重型牵引挂车', 'A2'),
  'city-bus': motor('城市公交车', 'A3'),
  'medium-bus': motor('中型客车', 'B1'),
  'large-truck': motor('大型货车', 'B2'),
  'small-car': motor('小型汽车', 'C1'),
  'small-car-automatic': motor('小型自动挡汽车', 'C2'),
  'low-speed-truck': motor('低速载货汽车', 'C3'),
  'three-wheeler': motor('三轮汽车', 'C4'),
  'disabled-car': motor('残疾人专用小型自动挡载客汽车', 'C5'),
  'light-trailer': motor('轻型牵引挂车', 'C6'),
  'three-wheel-motorcycle': motor('普通三轮摩托车', 'D'),
  motorcycle: motor('普通二轮摩托车', 'E'),
  moped: motor('轻便摩托车', 'F'),
  'wheeled-machinery': motor('轮式专用机械车', 'M'),
  trolleybus: motor('无轨电车', 'N'),
  tram: motor('有轨电车', 'P'),
  'e-bike': nonMotor('电动自行车'),
  bicycle: nonMotor('自行车'),
  pedestrian: nonMotor('行人'),
} as const satisfies Record<string, VehicleType>

export type VehicleTypeCode = keyof typeof VEHICLE_TYPES

export function isVehicleTypeCode(s: string): s is VehicleTypeCode {
  return Object.hasOwn(VEHICLE_TYPES, s)
}

/** The licence class needed to drive `code`; null for non-motor vehicles and pedestrians. */
export function requiredClassFor(code: VehicleTypeCode): LicenceClass | null {
  const type: VehicleType = VEHICLE_TYPES[code]
  return type.licenceClass
}
