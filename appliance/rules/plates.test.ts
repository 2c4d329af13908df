import t from 'tap'
import { normalisePlate, parsePlate, PROVINCES, PLATE_ERRORS, type PlateErrorCode } from './plates.ts'

t.test('normalisePlate', async t => {
  t.equal(normalisePlate('  川a 12345 '), '川A12345')
  t.equal(normalisePlate('川Ａ·１２３４５'), '川A12345', 'full-width letters and digits, middle dot')
  t.equal(normalisePlate('川A\u30001•2.3-4５'), '川A12345', 'U+3000, bullet, dot, hyphen')
  t.equal(normalisePlate('川A・12345'), '川A12345', 'katakana middle dot from some input methods')
  t.equal(normalisePlate('川Ａ－１２３４５'), '川A12345', 'full-width hyphen')
  t.equal(normalisePlate('粤z1234港'), '粤Z1234港', 'CJK kept')
})

t.test('PROVINCES', async t => {
  t.equal(PROVINCES.length, 31)
  t.ok(PROVINCES.includes('川'))
  t.notOk(PROVINCES.includes('港'))
})

t.test('valid plates of every kind', async t => {
  const cases = [
    ['川A12345', 'ordinary', ['blue', 'yellow']],
    ['京BX7Z9A', 'ordinary', ['blue', 'yellow']],
    ['川AD12345', 'new-energy-small', ['green']],
    ['川AF12345', 'new-energy-small', ['green']],
    ['沪AK12345', 'new-energy-small', ['green']],
    ['粤BDF1234', 'new-energy-small', ['green']],
    ['川A12345D', 'new-energy-large', ['yellow-green']],
    ['川A12345F', 'new-energy-large', ['yellow-green']],
    ['川A1234挂', 'trailer', ['yellow']],
    ['川A1234学', 'learner', ['yellow']],
    ['川A1234警', 'police', ['white']],
    ['粤Z1234港', 'hongkong', ['black']],
    ['粤Z1234澳', 'macau', ['black']],
    ['川A1234领', 'consular', ['black']],
  ] as const
  for (const [raw, kind, colours] of cases) {
    const r = parsePlate(raw)
    t.same(r, { ok: true, plate: raw, kind, province: Array.from(raw)[0], colours }, raw)
  }
})

t.test('full-width and spaced input is normalised before parsing', async t => {
  const r = parsePlate(' 川ａ·１２３４５ ')
  t.equal(r.ok && r.plate, '川A12345')
  const ne = parsePlate('川Ａ Ｄ１２３４５')
  t.equal(ne.ok && ne.kind, 'new-energy-small')
})

t.test('invalid plates', async t => {
  const cases: [string, PlateErrorCode][] = [
    ['', 'PLATE_EMPTY'],
    [' ·\u3000', 'PLATE_EMPTY'],
    ['川A1234', 'PLATE_LENGTH'],
    ['川A123456D', 'PLATE_LENGTH'],
    ['川A12345挂', 'PLATE_LENGTH'],
    ['港A12345', 'PLATE_PROVINCE'],
    ['XA12345', 'PLATE_PROVINCE'],
    ['川I12345', 'PLATE_ISSUER'],
    ['川O12345', 'PLATE_ISSUER'],
    ['川112345', 'PLATE_ISSUER'],
    ['川A1234I', 'PLATE_SERIAL'],
    ['川AO2345', 'PLATE_SERIAL'],
    ['川A12_45', 'PLATE_SERIAL'],
    ['川A12I4挂', 'PLATE_SERIAL'],
    ['川A1O34学', 'PLATE_SERIAL'],
    ['川A12O4警', 'PLATE_SERIAL'],
    ['粤Z12I4港', 'PLATE_SERIAL'],
    ['粤ZO234澳', 'PLATE_SERIAL'],
    ['川AI234领', 'PLATE_SERIAL'],
    ['川A1234使', 'PLATE_SUFFIX'],
    ['川A1234港', 'PLATE_HK_MACAU_PREFIX'],
    ['粤B1234澳', 'PLATE_HK_MACAU_PREFIX'],
    ['川AX12345', 'PLATE_SERIAL'], // X is not a new-energy letter
    ['川AD1234A', 'PLATE_SERIAL'], // small new-energy must end in 4 digits
    ['川ADI1234', 'PLATE_SERIAL'], // no I in the second serial position
    ['川A1234AD', 'PLATE_SERIAL'], // large new-energy: 5 digits before the letter
    ['川A12345A', 'PLATE_SERIAL'], // large new-energy: only D/F last
  ]
  for (const [raw, code] of cases) {
    const r = parsePlate(raw)
    t.same(r, { ok: false, code, text: PLATE_ERRORS[code] }, `${raw} → ${code}`)
  }
})
