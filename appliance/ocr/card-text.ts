// What the officer reads about a licence card's fields (zh-CN): the printed label of each field and
// why a value failed validation, by the stable code models/read-card.ts gives it.
import { PLATE_ERRORS } from '../rules/plates.ts'
import { RESIDENT_ID_ERRORS } from '../rules/resident-id.ts'

export const CARD_TYPE_TEXT: Readonly<Record<string, string>> = {
  'driving-licence': '驾驶证',
  'vehicle-licence': '行驶证',
}

export const CARD_FIELD_TEXT: Readonly<Record<string, string>> = {
  idNumber: '证号', name: '姓名', sex: '性别', nationality: '国籍', address: '住址', birthDate: '出生日期',
  firstIssued: '初次领证日期', classes: '准驾车型', validFrom: '有效期起', validUntil: '有效期至',
  plate: '号牌号码', vehicleType: '车辆类型', owner: '所有人', useCharacter: '使用性质', model: '品牌型号',
  vin: '车辆识别代号', engineNo: '发动机号码', registered: '注册日期', issued: '发证日期',
}

export const CARD_FIELD_ERROR_TEXT: Readonly<Record<string, string>> = {
  ...RESIDENT_ID_ERRORS,
  ...PLATE_ERRORS,
  DATE_INVALID: '日期无法识别，请核对',
  DATE_ORDER: '日期先后顺序不合理，请核对',
  BIRTH_DATE_MISMATCH: '出生日期与身份证号码不一致',
  LICENCE_CLASS_INVALID: '准驾车型无法识别，请核对',
  SEX_INVALID: '性别应为“男”或“女”',
  VIN_INVALID: '车辆识别代号应为17位字母和数字（不含I、O、Q）',
}
