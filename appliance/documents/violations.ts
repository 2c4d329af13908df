// The violation/clause table the officer picks from, shipped as data (violations.json) so a
// supervisor can correct wording without touching code. Validated on load: a broken table stops
// the start with the path named.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export const ViolationTable = Type.Object({
  note: Type.String(),
  entries: Type.Array(Type.Object({
    id: Type.String({ pattern: '^[a-z0-9-]+$' }),
    situation: Type.String({ minLength: 1 }),
    violation: Type.String({ minLength: 1, maxLength: 200 }),
    clause: Type.String({ minLength: 1, maxLength: 100 }),
  }, { additionalProperties: false }), { minItems: 1 }),
}, { additionalProperties: false })
export type ViolationTable = Static<typeof ViolationTable>

export const BUNDLED_VIOLATIONS = join(import.meta.dirname, 'violations.json')

export function loadViolationTable(file = BUNDLED_VIOLATIONS): ViolationTable {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!Value.Check(ViolationTable, data)) {
    const e = [...Value.Errors(ViolationTable, data)][0]
    throw new Error(`${file}: invalid violation table at ${e?.path ?? '/'}: ${e?.message ?? 'unknown'}`)
  }
  const ids = data.entries.map((x) => x.id)
  if (new Set(ids).size !== ids.length) throw new Error(`${file}: duplicate entry ids`)
  return data
}
