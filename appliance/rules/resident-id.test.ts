import t from 'tap'
import {
  isCalendarDate,
  residentIdCheckChar,
  validateResidentId,
  type ResidentIdErrorCode,
} from './resident-id.ts'

// Independent ISO 7064 MOD 11-2 formulation: weight_i = 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11.
function referenceCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11)
  const c = (12 - (sum % 11)) % 11
  return c === 10 ? 'X' : String(c)
}
const withCheck = (first17: string) => first17 + referenceCheckChar(first17)

t.test('residentIdCheckChar', async t => {
  t.equal(residentIdCheckChar('11010519491231002'), 'X', 'public example 11010519491231002X')
  t.equal(residentIdCheckChar('44052418800101001'), '4', 'public example 440524188001010014')
  const samples = [
    '51010719900307123',
    '51012220000229456',
    '11010119851015002',
    '31011519770701888',
    '65010220231231000',
    '51010419610105003',
  ]
  for (const s of samples) t.equal(residentIdCheckChar(s), referenceCheckChar(s), s)
  t.throws(() => residentIdCheckChar('1234'), RangeError)
  t.throws(() => residentIdCheckChar('1101051949123100X'), RangeError)
})

t.test('valid IDs', async t => {
  t.same(validateResidentId('11010519491231002X'), {
    ok: true,
    id: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: 'female',
  })
  t.same(validateResidentId(' 11010519491231002x '), {
    ok: true,
    id: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: 'female',
  }, 'lowercase x and spaces accepted')
  const male = withCheck('51010719900307123')
  t.same(validateResidentId(male), { ok: true, id: male, birthDate: '1990-03-07', sex: 'male' })
  const leap = withCheck('51012220000229456')
  t.same(validateResidentId(leap), { ok: true, id: leap, birthDate: '2000-02-29', sex: 'female' })
  const fullWidth = withCheck('51010419610105003')
  const fw = Array.from(fullWidth, c => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('')
  t.equal(validateResidentId(fw).ok, true, 'full-width digits accepted')
  const born1900 = withCheck('51010419000101003')
  t.equal(validateResidentId(born1900).ok, true, '1900-01-01 is the earliest accepted date')
  const bornToday = withCheck('51010420240501003')
  t.equal(validateResidentId(bornToday, '2024-05-01').ok, true, 'born today is fine')
})

t.test('invalid IDs', async t => {
  const cases: [string, ResidentIdErrorCode, string?][] = [
    ['', 'ID_FORMAT'],
    ['11010519491231002', 'ID_FORMAT'],
    ['11010519491231002X1', 'ID_FORMAT'],
    ['110105194912310', 'ID_FORMAT'], // old 15-digit IDs are not accepted
    ['1101051949123100AX', 'ID_FORMAT'],
    ['X10105194912310021', 'ID_FORMAT'],
    ['110105194912310021', 'ID_CHECKSUM'],
    ['110105194912310020', 'ID_CHECKSUM'],
    [withCheck('51010719900230123'), 'ID_BIRTH_DATE'], // 30 February
    [withCheck('51010719010229123'), 'ID_BIRTH_DATE'], // 1901 is not a leap year
    [withCheck('51010719901301123'), 'ID_BIRTH_DATE'], // month 13
    [withCheck('51010719900100123'), 'ID_BIRTH_DATE'], // day 0
    ['440524188001010014', 'ID_BIRTH_DATE'], // 1880: before 1900
    [withCheck('51010720240502123'), 'ID_BIRTH_DATE', '2024-05-01'], // in the future
  ]
  for (const [raw, code, today] of cases) {
    const r = validateResidentId(raw, today)
    t.equal(r.ok ? 'ok' : r.code, code, `${raw} → ${code}`)
    if (!r.ok) t.ok(r.text.length > 0)
  }
})

t.test('isCalendarDate', async t => {
  t.ok(isCalendarDate('2024-02-29'))
  t.notOk(isCalendarDate('2023-02-29'))
  t.notOk(isCalendarDate('2000-04-31'))
  t.notOk(isCalendarDate('2000-4-3'))
})
