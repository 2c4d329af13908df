// Canonical JSON (keys sorted at every level, no whitespace): the same data always gives the same
// bytes, so a signature over it can be checked by anyone who rebuilds the data. Pure. Used for the
// determination's signature and for the sync protocol's signed batches (sync/protocol.ts).
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number')
    const s = JSON.stringify(value)
    if (s === undefined) throw new TypeError('canonicalJson: not representable in JSON')
    return s
  }
  // Plain loops and string appends: a sync batch is thousands of small objects (bench:sync).
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i])
    return out + ']'
  }
  const record = value as Record<string, unknown>
  // Default sort: by UTF-16 code units, like comparing with < and >.
  const keys = Object.keys(record).sort()
  let out = '{'
  for (const k of keys) {
    const v = record[k]
    if (v === undefined) continue
    out += (out.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v)
  }
  return out + '}'
}
