// The outbox triggers, derived from the schema: every insert, update and delete on a case table
// writes one outbox row in the same transaction, so no code path (now or later) can forget it.
// The migration holds the SQL printed by `npx tsx appliance/outbox/triggers.ts`; triggers.test.ts
// fails when a column is added without regenerating them.
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as s from '../db/schema.ts'

interface Synced {
  table: SQLiteTable
  /** SQL (on NEW/OLD) naming the row. */
  id: string
  /** SQL (on NEW/OLD) naming its case. */
  caseId: string
  /** Columns that never leave the box. */
  secret?: string[]
  /** The audit log refuses updates and deletes itself. */
  insertOnly?: boolean
}

const SYNCED: Synced[] = [
  { table: s.cases, id: 'R.id', caseId: 'R.id', secret: ['token_hash'] },
  { table: s.parties, id: 'R.id', caseId: 'R.case_id' },
  { table: s.vehicles, id: 'R.id', caseId: 'R.case_id' },
  { table: s.evidence, id: 'R.id', caseId: 'R.case_id' },
  { table: s.eligibilityResults, id: 'R.id', caseId: 'R.case_id' },
  { table: s.determinations, id: 'R.id', caseId: 'R.case_id' },
  {
    table: s.determinationParties,
    id: 'R.party_id',
    caseId: '(SELECT case_id FROM determinations WHERE id = R.determination_id)',
  },
  { table: s.dispatches, id: 'R.id', caseId: 'R.case_id' },
  { table: s.plateReadings, id: 'R.evidence_id', caseId: 'R.case_id' },
  { table: s.cardReadings, id: 'R.evidence_id', caseId: 'R.case_id' },
  { table: s.determinationDocuments, id: 'R.id', caseId: 'R.case_id' },
  { table: s.claims, id: 'R.id', caseId: 'R.case_id' },
  { table: s.reviews, id: 'R.id', caseId: 'R.case_id' },
  { table: s.auditLog, id: 'CAST(R.seq AS TEXT)', caseId: 'R.case_id', insertOnly: true },
]

export const SYNCED_TABLES = SYNCED.map((t) => getTableConfig(t.table).name)

function trigger(t: Synced, when: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  const { name, columns } = getTableConfig(t.table)
  const row = when === 'DELETE' ? 'OLD' : 'NEW'
  const on = (sql: string) => sql.replaceAll('R.', `${row}.`)
  const payload = when === 'DELETE'
    ? "'{}'"
    : `json_object(${columns
        .filter((c) => !t.secret?.includes(c.name))
        .map((c) => `'${c.name}', ${row}.${c.name}`)
        .join(', ')})`
  return [
    `CREATE TRIGGER outbox_${name}_${when.toLowerCase()} AFTER ${when} ON ${name}`,
    'BEGIN',
    `  INSERT INTO outbox (entity, entity_id, op, case_id, payload) VALUES ('${name}', ${on(t.id)}, '${when === 'DELETE' ? 'delete' : 'upsert'}', ${on(t.caseId)}, ${payload});`,
    'END;',
  ].join('\n')
}

/** Every outbox trigger's CREATE statement, in a stable order. */
export function outboxTriggers(): string[] {
  return SYNCED.flatMap((t) => (t.insertOnly ? ['INSERT' as const] : (['INSERT', 'UPDATE', 'DELETE'] as const)).map((w) => trigger(t, w)))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(outboxTriggers().join('\n--> statement-breakpoint\n'))
}
