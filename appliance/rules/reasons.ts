// Catalogue of eligibility reasons: stable codes with the zh-CN text shown to the officer.

export const REASON_CODES = [
  'OUTSIDE_SERVICE_HOURS',
  'OUTSIDE_SERVICE_AREA',
  'INJURY_OR_DEATH',
  'DRINK_OR_DRUGS',
  'LEFT_SCENE',
  'DELIBERATE',
  'OVERLOAD',
  'SERIOUS_SPEEDING',
  'NOT_MOVABLE',
  'NO_PARTIES',
  'NO_MOTOR_VEHICLE',
  'LICENCE_INVALID',
  'LICENCE_UNVERIFIED',
  'LICENCE_CLASS_MISMATCH',
  'PLATE_MISSING',
  'PLATE_FORGED',
  'PLATE_INVALID',
  'REGISTRATION_INVALID',
  'REGISTRATION_UNVERIFIED',
  'INSURANCE_MISSING',
  'INSURANCE_UNVERIFIED',
  'MOTOR_NOT_LIABLE',
  'LIABILITY_UNKNOWN',
] as const

export type ReasonCode = (typeof REASON_CODES)[number]

export interface Reason {
  code: ReasonCode
  text: string
  party?: string // the party's label, for party-specific reasons
}

export const REASONS: Readonly<Record<ReasonCode, string>> = {
  OUTSIDE_SERVICE_HOURS: '不在视频快处服务时间内',
  OUTSIDE_SERVICE_AREA: '事故地点不在视频快处服务区域内',
  INJURY_OR_DEATH: '事故造成人员伤亡',
  DRINK_OR_DRUGS: '驾驶人有饮酒、服用国家管制的精神药品或者麻醉药品嫌疑',
  LEFT_SCENE: '有当事人驾车或弃车离开现场（涉嫌逃逸）',
  DELIBERATE: '涉嫌故意造成事故',
  OVERLOAD: '涉嫌校车或客运车辆超员',
  SERIOUS_SPEEDING: '涉嫌严重超速',
  NOT_MOVABLE: '车辆无法自行移动',
  NO_PARTIES: '尚未录入事故当事人',
  NO_MOTOR_VEHICLE: '事故未涉及机动车，不适用视频快处',
  LICENCE_INVALID: '驾驶人无有效机动车驾驶证（未取得、未查到、已过期或已注销、吊销）',
  LICENCE_UNVERIFIED: '驾驶证信息未能联网核验',
  LICENCE_CLASS_MISMATCH: '驾驶证准驾车型与所驾车辆不符',
  PLATE_MISSING: '机动车无号牌',
  PLATE_FORGED: '机动车号牌涉嫌伪造、变造或者使用其他车辆号牌',
  PLATE_INVALID: '号牌号码格式无效',
  REGISTRATION_INVALID: '机动车登记信息无效（未查到、已过期或状态异常）',
  REGISTRATION_UNVERIFIED: '机动车登记信息未能联网核验',
  INSURANCE_MISSING: '机动车未投保有效的机动车交通事故责任强制保险（交强险）',
  INSURANCE_UNVERIFIED: '交强险信息未能联网核验',
  MOTOR_NOT_LIABLE: '机动车与非机动车或行人发生事故，机动车一方无责任',
  LIABILITY_UNKNOWN: '机动车与非机动车或行人发生事故，尚未初步认定机动车一方是否有责任',
}

/** A reason with its catalogue text; `detail` (zh-CN) is appended in parentheses. */
export function makeReason(code: ReasonCode, opts: { party?: string; detail?: string } = {}): Reason {
  const text = opts.detail === undefined ? REASONS[code] : `${REASONS[code]}（${opts.detail}）`
  return opts.party === undefined ? { code, text } : { code, text, party: opts.party }
}
