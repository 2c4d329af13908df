// Beside a still that shows a licence card: the fields OCR read with their validation, and one action
// that fills a party from them — each proposed value editable first, the party picked from the case.
import { api, h, keepEdits } from './dom.ts'
import { VEHICLE_TYPES } from './vehicle-types.ts'

type Say = (text: string) => void

/** The party fields a card fills, as the officer edits them (labels as printed on the cards). */
const INPUTS: Record<string, Array<[field: string, label: string]>> = {
  'driving-licence': [['name', '姓名'], ['idNumber', '证号'], ['licenceClasses', '准驾车型'], ['licenceValidUntil', '有效期至']],
  'vehicle-licence': [['plate', '号牌号码']],
}

function fieldList(r: any): HTMLElement {
  return h('ul', { class: 'card-fields' }, ...r.fields.map((f: any) => h('li', { class: f.valid ? 'card-field' : 'card-field warn', 'data-field': f.name },
    `${f.label}：${f.value}`, f.valid ? '' : h('span', { class: 'card-field-error' }, `（${f.errorText}）`))))
}

function vehicleTypeSelect(r: any): HTMLSelectElement {
  const proposed: string | undefined = r.proposal.vehicleType
  const printed = r.fields.find((f: any) => f.name === 'vehicleType')?.value ?? ''
  const options = proposed && !VEHICLE_TYPES.some(([v]) => v === proposed) ? [[proposed, printed], ...VEHICLE_TYPES] : VEHICLE_TYPES
  const select = h('select', { class: 'card-input', 'data-field': 'vehicleType' }, h('option', { value: '' }, `车辆类型（证上：${printed || '未识别'}）`),
    ...options.map(([v, l]) => h('option', { value: v! }, l!)))
  select.value = proposed ?? ''
  return keepEdits(select, `${r.evidenceId}:vehicleType`)
}

function applyForm(caseId: string, r: any, parties: any[], after: () => Promise<void>, say: Say): HTMLElement {
  if (parties.length === 0) return h('p', { class: 'card-hint' }, '请先添加当事人，再将证件信息填入')
  const shown = (field: string) => {
    const v = r.applied?.[field] ?? r.proposal[field]
    return Array.isArray(v) ? v.join(',') : (v ?? '')
  }
  // The panel refreshes while other stills are read: what the officer is typing survives it.
  const inputs = INPUTS[r.cardType]!.map(([field, label]) =>
    keepEdits(h('input', { class: 'card-input', 'data-field': field, placeholder: label, value: shown(field) }), `${r.evidenceId}:${field}`))
  const fields: Array<HTMLInputElement | HTMLSelectElement> = r.cardType === 'vehicle-licence' ? [...inputs, vehicleTypeSelect(r)] : inputs
  const party = keepEdits(h('select', { class: 'card-party' }, ...parties.map((p) => h('option', { value: p.id }, `${p.label} ${p.name}`))), `${r.evidenceId}:party`)
  if (r.appliedPartyId) party.value = r.appliedPartyId
  const apply = h('button', { class: 'card-apply' }, r.applied ? '重新填入' : '填入当事人')
  apply.onclick = () => {
    const values: Record<string, unknown> = {}
    for (const el of fields) {
      const v = el.value.trim()
      if (v) values[el.dataset.field!] = el.dataset.field === 'licenceClasses' ? v.toUpperCase().split(/[,，、\s]+/).filter(Boolean) : v
    }
    api('POST', `/api/cases/${caseId}/evidence/${r.evidenceId}/card`, { partyId: party.value, fields: values }).then(() => {
      // Applied: from now on the fields show what the box stored.
      for (const el of [...fields, party]) delete el.dataset.edited
      return after()
    }, (e: Error) => say(e.message))
  }
  const applied = parties.find((p) => p.id === r.appliedPartyId)
  const done = applied ? [h('span', { class: 'card-applied' }, `已填入${applied.label}${r.corrected ? '（已更正）' : ''}`)] : []
  return h('div', { class: 'card-review' }, ...fields, party, apply, ...done)
}

/** What the card reader made of a still without a plate; null when it found no card (the plate controls stay). */
export function cardReading(caseId: string, r: any | undefined, parties: any[], after: () => Promise<void>, say: Say): HTMLElement | null {
  if (!r) return null
  if (r.status === 'pending') return h('p', { class: 'card-reading' }, '证件识别中…')
  if (r.status === 'failed') return h('p', { class: 'card-reading' }, `证件无法识别：${r.errorText}`)
  if (!r.cardType) return null
  return h('div', { class: 'licence-card' },
    h('p', { class: 'card-reading' }, `识别为${r.cardTypeText}${r.valid ? '' : '（部分项目需核对）'}`),
    fieldList(r),
    applyForm(caseId, r, parties, after, say))
}
