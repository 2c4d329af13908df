// Citizen identity numbers (GB 11643-1999): check character, birth date and sex.
import { toHalfWidth } from './text.ts'

export type ResidentIdErrorCode = 'ID_FORMAT' | 'ID_CHECKSUM' | 'ID_BIRTH_DATE'

export type ResidentIdResult =
  | { ok: true; id: string; birthDate: string /* YYYY-MM-DD */; sex: 'male' | 'female' }
  | { ok: false; code: ResidentIdErrorCode; text: string }

export const RESIDENT_ID_ERRORS: Readonly<Record<ResidentIdErrorCode, string>> = {
  ID_FORMAT: '身份证号码应为18位：17位数字加1位校验码（数字或X）',
  ID_CHECKSUM: '身份证号码校验码不正确，请核对号码',
  ID_BIRTH_DATE: '身份证号码中的出生日期无效',
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARS = '10X98765432'
const EARLIEST_BIRTH_DATE = '1900-01-01'

/** The 18th character for the given first 17 digits. Throws RangeError on anything but 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckChar expects exactly 17 digits')
  let sum = 0
  WEIGHTS.forEach((w, i) => {
    sum += w * Number(first17[i])
  })
  return CHECK_CHARS.charAt(sum % 11)
}

/**
 * Validates an 18-character resident ID. `today` ('YYYY-MM-DD', optional) rejects birth dates in the
 * future; birth dates before 1900 and impossible calendar dates are always rejected.
 */
export function validateResidentId(raw: string, today?: string): ResidentIdResult {
  const id = toHalfWidth(raw).trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(id)) return fail('ID_FORMAT')
  if (residentIdCheckChar(id.slice(0, 17)) !== id.charAt(17)) return fail('ID_CHECKSUM')
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (!isCalendarDate(birthDate) || birthDate < EARLIEST_BIRTH_DATE) return fail('ID_BIRTH_DATE')
  if (today !== undefined && birthDate > today) return fail('ID_BIRTH_DATE')
  const sex = Number(id.charAt(16)) % 2 === 1 ? 'male' : 'female'
  return { ok: true, id, birthDate, sex }
}

/** True when 'YYYY-MM-DD' names a real day of the proleptic Gregorian calendar. */
export function isCalendarDate(ymd: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}

function fail(code: ResidentIdErrorCode): ResidentIdResult {
  return { ok: false, code, text: RESIDENT_ID_ERRORS[code] }
}
