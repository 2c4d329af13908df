// What the simplified-procedure determination (道路交通事故认定书(简易程序), Art. 24) says, built from
// the case's rows. The same object is rendered into the PDF, signed (as canonical JSON) and shown by
// the verification page. Pure: no I/O, the caller passes every row.
import type { Json } from './canonical-json.ts'
import { isVehicleTypeCode, VEHICLE_TYPES } from '../rules/licence-classes.ts'
import { REVIEW_RULE, reviewDeadline } from './review-window.ts'

export const DOCUMENT_TITLE = '道路交通事故认定书（简易程序）'

export interface DocumentParty {
  [k: string]: string
  label: string
  name: string
  /** Driving-licence number, or the resident ID for a party without a licence. */
  licenceOrId: string
  phone: string
  vehicleType: string
  plate: string
  insurer: string
  policyNumber: string
  liability: string
  violation: string
  clause: string
}

export interface DocumentContent {
  [k: string]: Json
  title: string
  documentNo: string
  caseNo: string
  issuingUnit: string
  accidentTime: string
  place: string
  weather: string
  accidentType: string
  impactPoints: string
  facts: string
  parties: DocumentParty[]
  officer: string
  servedAt: string
  reviewDeadline: string
  reviewHowTo: string
}

export interface DocumentSource {
  documentNo: string
  caseNo: string
  issuingUnit: string
  timeZone: string
  servedAt: string
  determination: { accidentTime: string; place: string; weather: string; accidentType: string; impactPoints: string; facts: string }
  officer: { displayName: string; badgeNo: string }
  parties: Array<{
    party: { id: string; label: string; name: string; phone: string; idNumber: string | null; licenceNumber: string | null }
    vehicle: { vehicleType: string; plate: string | null; insurer: string | null; policyNumber: string | null } | null
    finding: { liability: string; violation: string | null; clause: string | null }
  }>
}

const NONE = '无'

/** "2026年11月26日 10时05分" in the box's time zone. */
export function chineseDateTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  )
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}时${parts.minute}分`
}

const vehicleTypeText = (code: string) => (isVehicleTypeCode(code) ? VEHICLE_TYPES[code].name : code)
const liabilityText = (l: string) => (l === '无' ? '无责任' : `${l}责任`)

export function documentContent(src: DocumentSource): DocumentContent {
  const deadline = reviewDeadline(src.servedAt)
  return {
    title: DOCUMENT_TITLE,
    documentNo: src.documentNo,
    caseNo: src.caseNo,
    issuingUnit: src.issuingUnit,
    accidentTime: chineseDateTime(src.determination.accidentTime, src.timeZone),
    place: src.determination.place,
    weather: src.determination.weather,
    accidentType: src.determination.accidentType,
    impactPoints: src.determination.impactPoints,
    facts: src.determination.facts,
    parties: src.parties.map(({ party, vehicle, finding }) => ({
      label: party.label,
      name: party.name,
      licenceOrId: party.licenceNumber ?? party.idNumber ?? NONE,
      phone: party.phone,
      vehicleType: vehicle ? vehicleTypeText(vehicle.vehicleType) : '行人',
      plate: vehicle?.plate ?? NONE,
      insurer: vehicle?.insurer ?? NONE,
      policyNumber: vehicle?.policyNumber ?? NONE,
      liability: liabilityText(finding.liability),
      violation: finding.violation ?? NONE,
      clause: finding.clause ?? NONE,
    })),
    officer: `${src.officer.displayName}（警号${src.officer.badgeNo}）`,
    servedAt: chineseDateTime(src.servedAt, src.timeZone),
    reviewDeadline: chineseDateTime(deadline, src.timeZone),
    reviewHowTo: `当事人对本认定有异议的，可于${chineseDateTime(deadline, src.timeZone)}前通过网办进度页面【申请复核】或向${src.issuingUnit}提交书面复核申请。${REVIEW_RULE}`,
  }
}

/** The labelled lines of the document, in print order: the PDF and the tests read the same list. */
export function documentLines(d: DocumentContent): Array<[label: string, value: string]> {
  return [
    ['文书编号', d.documentNo],
    ['案件编号', d.caseNo],
    ['事故时间', d.accidentTime],
    ['事故地点', d.place],
    ['天气', d.weather],
    ['事故形态', d.accidentType],
    ['碰撞部位', d.impactPoints],
  ]
}

export function partyLines(p: DocumentParty): Array<[label: string, value: string]> {
  return [
    ['姓名', p.name],
    ['驾驶证/身份证号', p.licenceOrId],
    ['联系电话', p.phone],
    ['车辆类型', p.vehicleType],
    ['号牌号码', p.plate],
    ['保险公司', p.insurer],
    ['保险凭证号', p.policyNumber],
    ['事故责任', p.liability],
    ['违法行为', p.violation],
    ['违法条款', p.clause],
  ]
}
