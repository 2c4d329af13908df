// Chinese motor-vehicle plate numbers (GA 36): normalisation and format validation.
import { toHalfWidth } from './text.ts'

/** Province abbreviations that may open a plate. */
export const PROVINCES: readonly string[] = Array.from('京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新')

export type PlateKind =
  | 'ordinary' // small (blue) or large (yellow): the characters cannot tell them apart
  | 'trailer'
  | 'learner'
  | 'police'
  | 'hongkong'
  | 'macau'
  | 'consular'
  | 'new-energy-small'
  | 'new-energy-large'

export type PlateColour = 'blue' | 'yellow' | 'green' | 'white' | 'black' | 'yellow-green'

export type PlateErrorCode =
  | 'PLATE_EMPTY'
  | 'PLATE_LENGTH'
  | 'PLATE_PROVINCE'
  | 'PLATE_ISSUER'
  | 'PLATE_SERIAL'
  | 'PLATE_SUFFIX'
  | 'PLATE_HK_MACAU_PREFIX'

export type PlateResult =
  | { ok: true; plate: string; kind: PlateKind; province: string; colours: PlateColour[] }
  | { ok: false; code: PlateErrorCode; text: string }

export const PLATE_ERRORS: Readonly<Record<PlateErrorCode, string>> = {
  PLATE_EMPTY: '请输入号牌号码',
  PLATE_LENGTH: '号牌号码位数不正确：普通号牌为7位，新能源号牌为8位',
  PLATE_PROVINCE: '号牌首字应为省、自治区、直辖市简称（如“川”）',
  PLATE_ISSUER: '号牌第二位应为发牌机关代号字母（A–Z，不含I、O）',
  PLATE_SERIAL: '号牌序号格式不正确（只能使用数字和字母，不含I、O；新能源号牌须符合新能源序号规则）',
  PLATE_SUFFIX: '号牌末位汉字只能是“挂”“学”“警”“港”“澳”“领”',
  PLATE_HK_MACAU_PREFIX: '港澳入出境车辆号牌应以“粤Z”开头',
}

const SEPARATORS = /[\s\u3000·•・.\-]/gu
const ISSUER = /^[A-HJ-NP-Z]$/
const SERIAL = /^[A-HJ-NP-Z0-9]+$/
const ASCII = /^[\x00-\x7f]$/
// New-energy serials (6 characters). Small: a letter first, then a letter or digit, then 4 digits.
// Large: 5 digits, then the letter.
const NEW_ENERGY_SMALL = /^[DFABCEGHJK][A-HJ-NP-Z0-9]\d{4}$/
const NEW_ENERGY_LARGE = /^\d{5}[DF]$/

interface SuffixRule {
  kind: PlateKind
  colours: readonly PlateColour[]
  prefix?: string // the only province + issuer allowed with this suffix
}

const SUFFIXES: Readonly<Record<string, SuffixRule>> = {
  挂: { kind: 'trailer', colours: ['yellow'] },
  学: { kind: 'learner', colours: ['yellow'] },
  警: { kind: 'police', colours: ['white'] },
  港: { kind: 'hongkong', colours: ['black'], prefix: '粤Z' },
  澳: { kind: 'macau', colours: ['black'], prefix: '粤Z' },
  领: { kind: 'consular', colours: ['black'] },
}

/** Trims, folds full-width ASCII, uppercases latin letters and drops spaces and separators. */
export function normalisePlate(raw: string): string {
  return toHalfWidth(raw).replace(SEPARATORS, '').toUpperCase()
}

export function parsePlate(raw: string): PlateResult {
  const plate = normalisePlate(raw)
  const chars = Array.from(plate)
  if (chars.length === 0) return fail('PLATE_EMPTY')
  const last = chars[chars.length - 1] ?? ''
  if (chars.length !== 7 && !(chars.length === 8 && ASCII.test(last))) return fail('PLATE_LENGTH')
  const [province = '', issuer = '', ...serial] = chars
  if (!PROVINCES.includes(province)) return fail('PLATE_PROVINCE')
  if (!ISSUER.test(issuer)) return fail('PLATE_ISSUER')
  const ok = (kind: PlateKind, colours: readonly PlateColour[]): PlateResult => ({
    ok: true,
    plate,
    kind,
    province,
    colours: [...colours],
  })

  if (serial.length === 6) {
    const s = serial.join('')
    if (NEW_ENERGY_SMALL.test(s)) return ok('new-energy-small', ['green'])
    if (NEW_ENERGY_LARGE.test(s)) return ok('new-energy-large', ['yellow-green'])
    return fail('PLATE_SERIAL')
  }

  if (ASCII.test(last)) {
    return SERIAL.test(serial.join('')) ? ok('ordinary', ['blue', 'yellow']) : fail('PLATE_SERIAL')
  }
  const rule = SUFFIXES[last]
  if (!rule) return fail('PLATE_SUFFIX')
  if (!SERIAL.test(serial.slice(0, -1).join(''))) return fail('PLATE_SERIAL')
  if (rule.prefix !== undefined && province + issuer !== rule.prefix) return fail('PLATE_HK_MACAU_PREFIX')
  return ok(rule.kind, rule.colours)
}

function fail(code: PlateErrorCode): PlateResult {
  return { ok: false, code, text: PLATE_ERRORS[code] }
}
