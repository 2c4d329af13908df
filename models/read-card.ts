// Licence cards from OCR lines: the driving licence (驾驶证) and the vehicle licence (行驶证). Fields
// are found by their printed labels — a label and its value on one detected line, or the value in
// the next box to the right on the same row — never by line order; then validated (ID checksum and
// birth date, licence classes, dates, plate, VIN).
import { LICENCE_CLASSES } from '../appliance/rules/licence-classes.ts'
import { parsePlate } from '../appliance/rules/plates.ts'
import { isCalendarDate, validateResidentId } from '../appliance/rules/resident-id.ts'
import { toHalfWidth } from '../appliance/rules/text.ts'
import type { Quad } from './detect.ts'
import type { OcrEngine } from './engine.ts'
import type { TextLine } from './recognise.ts'

export type CardType = 'driving-licence' | 'vehicle-licence'

export interface CardField {
  value: string
  confidence: number
  valid: boolean
  /** Why the value failed validation (stable code). */
  error?: string
}

export interface CardReading {
  type: CardType | null
  fields: Record<string, CardField>
  /** Every expected field found and valid. */
  valid: boolean
  missing: string[]
}

/** Printed label → field name. Longer labels first: 初次领证日期 before any shorter overlap. */
const LABELS: Record<CardType, Array<[label: string, field: string]>> = {
  'driving-licence': [
    ['初次领证日期', 'firstIssued'], ['出生日期', 'birthDate'], ['准驾车型', 'classes'], ['有效期限', 'validity'],
    ['证号', 'idNumber'], ['姓名', 'name'], ['性别', 'sex'], ['国籍', 'nationality'], ['住址', 'address'],
  ],
  'vehicle-licence': [
    ['车辆识别代号', 'vin'], ['发动机号码', 'engineNo'], ['号牌号码', 'plate'], ['车辆类型', 'vehicleType'],
    ['使用性质', 'useCharacter'], ['品牌型号', 'model'], ['注册日期', 'registered'], ['发证日期', 'issued'],
    ['所有人', 'owner'], ['住址', 'address'],
  ],
}

const REQUIRED: Record<CardType, string[]> = {
  'driving-licence': ['idNumber', 'name', 'birthDate', 'firstIssued', 'classes', 'validFrom', 'validUntil'],
  'vehicle-licence': ['plate', 'vehicleType', 'owner', 'vin', 'registered', 'issued'],
}

const clean = (s: string): string => toHalfWidth(s).replace(/[\s\u3000:：]/gu, '')

function bounds(q: Quad) {
  const xs = q.map((p) => p[0])
  const ys = q.map((p) => p[1])
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }
}

export function cardType(lines: readonly TextLine[]): CardType | null {
  const all = lines.map((l) => clean(l.text)).join('')
  if (all.includes('驾驶证')) return 'driving-licence'
  if (all.includes('行驶证')) return 'vehicle-licence'
  return null
}

/** Splits every line at the labels it contains; a label alone takes the next box to its right on the row. */
export function findFields(lines: readonly TextLine[], type: CardType): Record<string, { value: string; confidence: number }> {
  const labels = LABELS[type]
  const found: Record<string, { value: string; confidence: number }> = {}
  const used = new Set<number>()
  lines.forEach((line, i) => {
    const text = clean(line.text)
    const hits: Array<{ at: number; label: string; field: string }> = []
    for (const [label, field] of labels) {
      let at = text.indexOf(label)
      while (at >= 0) {
        if (!hits.some((h) => at < h.at + h.label.length && h.at < at + label.length)) hits.push({ at, label, field })
        at = text.indexOf(label, at + label.length)
      }
    }
    hits.sort((a, b) => a.at - b.at)
    hits.forEach((h, k) => {
      let value = text.slice(h.at + h.label.length, hits[k + 1]?.at ?? text.length)
      if (value === '' && k === hits.length - 1) {
        // The value was detected as its own box: the nearest one to the right on the same row.
        const b = bounds(line.quad)
        const cy = (b.y0 + b.y1) / 2
        let best = -1
        let bestGap = Infinity
        lines.forEach((other, j) => {
          if (j === i || used.has(j)) return
          const o = bounds(other.quad)
          const gap = o.x0 - b.x1
          if (cy > o.y0 && cy < o.y1 && gap > -5 && gap < bestGap) {
            best = j
            bestGap = gap
          }
        })
        if (best >= 0) {
          used.add(best)
          value = clean(lines[best]!.text)
          for (const [label] of labels) if (value.includes(label)) value = value.slice(0, value.indexOf(label))
        }
      }
      if (value !== '' && !found[h.field]) found[h.field] = { value, confidence: line.confidence }
    })
  })
  return found
}

const DATE = /^(\d{4})[-.年/](\d{1,2})[-.月/](\d{1,2})日?$/
/** 'YYYY-MM-DD' from the usual printed forms, or null. */
export function parseCardDate(s: string): string | null {
  const m = DATE.exec(s)
  if (!m) return null
  const ymd = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
  return isCalendarDate(ymd) ? ymd : null
}

/** Licence classes as printed together ("C1", "A2D", "B2E"); null when anything is left over. */
export function parseLicenceClasses(s: string): string[] | null {
  const text = s.toUpperCase().replace(/[,，、]/g, '')
  const found = text.match(/A[123]|B[12]|C[1-6]|[DEFMNP]/g) ?? []
  return found.join('') === text && found.length > 0 && found.every((c) => (LICENCE_CLASSES as readonly string[]).includes(c)) ? found : null
}

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/

export function interpretCard(lines: readonly TextLine[], today: string): CardReading {
  const type = cardType(lines)
  if (!type) return { type: null, fields: {}, valid: false, missing: [] }
  const raw = findFields(lines, type)
  const fields: Record<string, CardField> = {}
  const set = (name: string, value: string, confidence: number, error?: string): void => {
    fields[name] = { value, confidence, valid: error === undefined, ...(error ? { error } : {}) }
  }
  const date = (name: string, v: { value: string; confidence: number } | undefined): string | null => {
    if (!v) return null
    const d = parseCardDate(v.value)
    set(name, d ?? v.value, v.confidence, d ? undefined : 'DATE_INVALID')
    return d
  }
  for (const [name, v] of Object.entries(raw)) set(name, v.value, v.confidence)
  if (type === 'driving-licence') {
    const id = raw.idNumber
    let idBirth: string | null = null
    if (id) {
      const r = validateResidentId(id.value, today)
      if (r.ok) idBirth = r.birthDate
      set('idNumber', r.ok ? r.id : id.value, id.confidence, r.ok ? undefined : r.code)
    }
    const birth = date('birthDate', raw.birthDate)
    if (birth && idBirth && birth !== idBirth) set('birthDate', birth, raw.birthDate!.confidence, 'BIRTH_DATE_MISMATCH')
    const first = date('firstIssued', raw.firstIssued)
    if (raw.classes) {
      const classes = parseLicenceClasses(raw.classes.value)
      set('classes', classes ? classes.join(',') : raw.classes.value, raw.classes.confidence, classes ? undefined : 'LICENCE_CLASS_INVALID')
    }
    if (raw.validity) {
      const [from = '', until = ''] = raw.validity.value.split(/至|到|-(?=\d{4})/)
      const f = date('validFrom', { value: from, confidence: raw.validity.confidence })
      const u = date('validUntil', { value: until, confidence: raw.validity.confidence })
      if (f && u && f >= u) set('validUntil', u, raw.validity.confidence, 'DATE_ORDER')
      if (f && first && first > f) set('firstIssued', first, raw.firstIssued!.confidence, 'DATE_ORDER')
      delete fields.validity
    }
    if (raw.sex && !['男', '女'].includes(raw.sex.value)) set('sex', raw.sex.value, raw.sex.confidence, 'SEX_INVALID')
  } else {
    if (raw.plate) {
      const p = parsePlate(raw.plate.value)
      set('plate', p.ok ? p.plate : raw.plate.value, raw.plate.confidence, p.ok ? undefined : p.code)
    }
    if (raw.vin) {
      const v = raw.vin.value.toUpperCase()
      set('vin', v, raw.vin.confidence, VIN.test(v) ? undefined : 'VIN_INVALID')
    }
    const registered = date('registered', raw.registered)
    const issued = date('issued', raw.issued)
    if (registered && issued && issued < registered) set('issued', issued, raw.issued!.confidence, 'DATE_ORDER')
  }
  const missing = REQUIRED[type].filter((f) => !fields[f])
  return { type, fields, missing, valid: missing.length === 0 && Object.values(fields).every((f) => f.valid) }
}

/** Reads a card photo with the engine (detection + recognition) and interprets it. */
export async function readCard(engine: Pick<OcrEngine, 'readLines'>, bytes: Uint8Array, today: string): Promise<CardReading> {
  // Card text is small: keep PaddleOCR's 960 (plates use 736).
  const result = await engine.readLines(bytes, { mode: 'frame', detection: { unclipRatio: 1.5, limitSideLen: 960 }, narrowFirst: false })
  return interpretCard(result.lines, today)
}
