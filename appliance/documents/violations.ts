// The violation/clause table the officer picks from, shipped as data (violations.json). A supervisor
// corrects it through the API; the corrected copy lives in the box's data dir and wins over the
// shipped one. Validated on every load and save: a broken table is refused with the path named.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { writeFileDurably } from '../durable-write.ts'

export const ViolationTable = Type.Object({
  note: Type.String({ maxLength: 2000 }),
  entries: Type.Array(Type.Object({
    id: Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 60 }),
    situation: Type.String({ minLength: 1, maxLength: 60 }),
    violation: Type.String({ minLength: 1, maxLength: 200 }),
    clause: Type.String({ minLength: 1, maxLength: 100 }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false })
export type ViolationTable = Static<typeof ViolationTable>

export const BUNDLED_VIOLATIONS = join(import.meta.dirname, 'violations.json')
export const correctedViolationsFile = (dataDir: string) => join(dataDir, 'violations.json')

/** The first problem of a candidate table, or null when it is valid. */
export function violationTableProblem(data: unknown): string | null {
  if (!Value.Check(ViolationTable, data)) {
    const e = [...Value.Errors(ViolationTable, data)][0]
    return `${e?.path || '/'}: ${e?.message ?? 'invalid'}`
  }
  const ids = data.entries.map((x) => x.id)
  return new Set(ids).size === ids.length ? null : '/entries: duplicate id'
}

export function loadViolationTable(file = BUNDLED_VIOLATIONS): ViolationTable {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'))
  const problem = violationTableProblem(data)
  if (problem) throw new Error(`${file}: invalid violation table at ${problem}`)
  return data as ViolationTable
}

/** The supervisor's corrected table if there is one, else the shipped one. */
export function currentViolationTable(dataDir: string): ViolationTable {
  const corrected = correctedViolationsFile(dataDir)
  return loadViolationTable(existsSync(corrected) ? corrected : BUNDLED_VIOLATIONS)
}

export function saveViolationTable(dataDir: string, table: ViolationTable): void {
  writeFileDurably(correctedViolationsFile(dataDir), `${JSON.stringify(table, null, 2)}\n`, 0o640)
}
