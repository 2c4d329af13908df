// The case beside the video: parties, checks, eligibility with its reasons, dispatch or determination.
import { api, h, showKeepingEdits } from './dom.ts'
import { cardReading } from './card-review.ts'
import { stillWithPlate } from './plate-review.ts'
import { VEHICLE_TYPES } from './vehicle-types.ts'

const CHECK_TEXT: Record<string, string> = {
  valid: '有效', invalid: '无效', expired: '已过期', not_found: '查无记录', unverified: '无法核验',
}
const LIABILITIES = ['全部', '主要', '同等', '次要', '无']

type Say = (text: string) => void

function step(id: string, label: string, act: () => Promise<unknown>, after: () => Promise<void>, say: Say) {
  const b = h('button', { id }, label)
  b.onclick = () => act().then(after, (e: Error) => say(e.message))
  return b
}

function partyForm(caseId: string, after: () => Promise<void>, say: Say) {
  const name = h('input', { id: 'party-name', placeholder: '姓名' })
  const phone = h('input', { id: 'party-phone', placeholder: '手机号码' })
  const licence = h('input', { id: 'party-licence', placeholder: '驾驶证号（身份证号）' })
  const type = h('select', { id: 'party-vehicle-type' }, ...VEHICLE_TYPES.map(([v, l]) => h('option', { value: v }, l)))
  const plate = h('input', { id: 'party-plate', placeholder: '号牌号码' })
  const add = step('party-add', '添加当事人', () => api('POST', `/api/cases/${caseId}/parties`, {
    name: name.value.trim(),
    phone: phone.value.trim(),
    ...(licence.value.trim() ? { licenceNumber: licence.value.trim() } : {}),
    vehicle: { vehicleType: type.value, ...(plate.value.trim() ? { plate: plate.value.trim() } : {}) },
  }), after, say)
  return h('div', { class: 'party-form' }, name, phone, licence, type, plate, add)
}

/** Picking a situation fills the violation and clause from the supervisor's table; both stay editable. */
function violationPicker(table: Array<{ id: string; situation: string; violation: string; clause: string }>, violation: HTMLInputElement, clause: HTMLInputElement) {
  const pick = h('select', { class: 'violation-pick' }, h('option', { value: '' }, '选择违法情形…'), ...table.map((e) => h('option', { value: e.id }, e.situation)))
  pick.onchange = () => {
    const e = table.find((x) => x.id === pick.value)
    if (e) {
      violation.value = e.violation
      clause.value = e.clause
    }
  }
  return pick
}

function determinationForm(caseId: string, parties: any[], violations: any[], after: () => Promise<void>, say: Say) {
  const weather = h('input', { id: 'det-weather', value: '晴' })
  const type = h('input', { id: 'det-type', placeholder: '事故形态，如 追尾碰撞' })
  const points = h('input', { id: 'det-points', placeholder: '碰撞部位' })
  const facts = h('textarea', { id: 'det-facts', placeholder: '事故事实' })
  const rows = parties.map((p) => {
    const liability = h('select', { 'data-party': p.id }, ...LIABILITIES.map((l) => h('option', { value: l }, `${l}责任`)))
    const violation = h('input', { placeholder: '违法行为' })
    const clause = h('input', { placeholder: '违法条款' })
    return { p, liability, violation, clause, el: h('div', {}, `${p.label} ${p.name}`, liability, violationPicker(violations, violation, clause), violation, clause) }
  })
  const submit = step('det-submit', '作出认定', () => api('POST', `/api/cases/${caseId}/determination`, {
    weather: weather.value, accidentType: type.value, impactPoints: points.value, facts: facts.value,
    parties: rows.map((r) => ({
      partyId: r.p.id,
      liability: r.liability.value,
      ...(r.violation.value ? { violation: r.violation.value } : {}),
      ...(r.clause.value ? { clause: r.clause.value } : {}),
    })),
  }), after, say)
  return h('div', { class: 'determination' }, weather, type, points, facts, ...rows.map((r) => r.el), submit)
}

export async function renderCasePanel(panel: HTMLElement, caseId: string, say: Say): Promise<void> {
  const c = await api('GET', `/api/cases/${caseId}`)
  const again = () => renderCasePanel(panel, caseId, say)
  const post = (path: string, body: unknown = {}) => () => api('POST', `/api/cases/${caseId}/${path}`, body)
  const actions: HTMLElement[] = []
  if (['in_call', 'evidence_collected'].includes(c.state)) actions.push(partyForm(caseId, again, say))
  if (['evidence_collected', 'verified'].includes(c.state)) actions.push(step('verify', '核验证件', post('verify'), again, say))
  if (['in_call', 'evidence_collected', 'verified'].includes(c.state)) actions.push(step('assess', '判定快处条件', post('eligibility'), again, say))
  if (c.state === 'ineligible') actions.push(step('dispatch', '派警到现场', post('dispatch'), again, say))
  if (c.state === 'eligible') {
    const table = await api('GET', '/api/violations').then((t) => t.entries, () => [])
    actions.push(determinationForm(caseId, c.parties, table, again, say))
  }
  if (c.state === 'determined') actions.push(step('serve', '送达认定书', post('serve'), again, say))
  if (['served', 'closed'].includes(c.state)) actions.push(h('a', { id: 'document-pdf', href: `/api/cases/${caseId}/document.pdf`, target: '_blank' }, '查看电子认定书（PDF）'))
  // Plate readings exist when the box runs OCR; a box without it shows the stills alone.
  const [ocr, cards] = await Promise.all([
    api('GET', `/api/cases/${caseId}/plate-readings`).catch(() => ({ readings: [] })),
    api('GET', `/api/cases/${caseId}/card-readings`).catch(() => ({ readings: [] })),
  ])
  const readingOf = (id: string) => ocr.readings.find((r: any) => r.evidenceId === id)
  const cardOf = (id: string) => cards.readings.find((r: any) => r.evidenceId === id)
  /** A still that shows a licence card gets the card's fields instead of the plate controls. */
  const still = (e: any) => {
    const card = cardOf(e.id)
    return stillWithPlate(caseId, e, card?.cardType ? undefined : readingOf(e.id), again, say, cardReading(caseId, card, c.parties, again, say))
  }
  // OCR runs beside the upload: look again shortly while a still is being read. A still without a
  // plate has its card reading pending from the moment its plate result is stored.
  if ([...ocr.readings, ...cards.readings].some((r: any) => r.status === 'pending')) setTimeout(() => void again().catch(() => undefined), 1500)
  const reasons = c.eligibility && !c.eligibility.eligible ? c.eligibility.reasons : []
  showKeepingEdits(panel,
    h('h2', {}, `案件 ${c.caseNo}`),
    h('p', { id: 'case-state' }, c.stateText),
    h('p', {}, `位置：${c.location.address ?? `${c.location.lat}, ${c.location.lng}`}`),
    h('h3', {}, '当事人'),
    h('ul', { id: 'parties' }, ...c.parties.map((p: any) => h('li', {},
      `${p.label} ${p.name} ${p.vehicle?.plate ?? ''} 驾驶证：${CHECK_TEXT[p.licenceStatus] ?? '未核验'}`
      + ` 行驶证：${CHECK_TEXT[p.vehicle?.registrationStatus] ?? '未核验'} 交强险：${CHECK_TEXT[p.vehicle?.insuranceStatus] ?? '未核验'}`))),
    ...(reasons.length ? [h('h3', {}, '不符合快处条件'), h('ul', { id: 'reasons' }, ...reasons.map((r: any) => h('li', {}, `${r.party ?? ''} ${r.text}`)))] : []),
    h('h3', {}, '证据'),
    h('ul', { id: 'evidence' }, ...c.evidence.map((e: any) => e.kind === 'still'
      ? still(e)
      : h('li', { 'data-sha256': e.sha256 }, `录像 ${e.capturedAt.slice(11, 19)} SHA-256 ${e.sha256.slice(0, 12)}…`))),
    ...actions,
  )
}
