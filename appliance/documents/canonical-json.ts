// Canonical JSON (keys sorted at every level, no whitespace): the same data always gives the same
// bytes, so a signature over it can be checked by anyone who rebuilds the data. Pure.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`
}
