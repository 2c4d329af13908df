// The per-district document number scheme, e.g. 成公交锦江区简认字〔2026〕第00012号: district, year of
// service (Asia/Shanghai), and a sequence per district and year. Pure.
export function documentNumber(districtName: string, year: number, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 99_999) throw new RangeError(`document sequence out of range: ${seq}`)
  return `成公交${districtName}简认字〔${year}〕第${String(seq).padStart(5, '0')}号`
}

export const documentCounterName = (districtId: string, year: number) => `document:${districtId}:${year}`
