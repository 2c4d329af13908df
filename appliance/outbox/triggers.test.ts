import t from 'tap'
import { openDb } from '../db/open.ts'
import { outboxTriggers, SYNCED_TABLES } from './triggers.ts'

t.test('the migrated database carries exactly the triggers the schema implies', async (t) => {
  const db = openDb(':memory:')
  const inDb = db.$client.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'outbox_%' ORDER BY name").pluck().all() as string[]
  // A column added to a synced table without a migration that recreates the triggers fails here.
  t.same(inDb.map((s) => s.trim()).sort(), outboxTriggers().map((s) => s.replace(/;$/, '')).sort())
  t.ok(SYNCED_TABLES.includes('determinations') && SYNCED_TABLES.includes('evidence') && SYNCED_TABLES.includes('audit_log'))
})

t.test('a change and its outbox row commit or roll back together', async (t) => {
  const db = openDb(':memory:')
  const count = () => db.$client.prepare('SELECT count(*) FROM outbox').pluck().get() as number
  const insert = db.$client.prepare(
    `INSERT INTO cases (id, case_no, district_id, state, lat, lng, reporter_phone, token_hash, token_expires_at, reported_at, updated_at)
     VALUES (?, ?, 'jinjiang', 'reported', 30.6, 104.1, '13800000000', ?, 'x', 'x', 'x')`,
  )
  insert.run('c1', 'N1', 'h1')
  t.equal(count(), 1)
  const row = db.$client.prepare('SELECT * FROM outbox').get() as { entity: string; entity_id: string; case_id: string; payload: string }
  t.equal(row.entity, 'cases')
  t.equal(row.case_id, 'c1')
  const payload = JSON.parse(row.payload)
  t.equal(payload.state, 'reported')
  t.notOk('token_hash' in payload, 'the citizen token hash stays on the box')
  t.throws(() => db.$client.transaction(() => {
    db.$client.prepare("UPDATE cases SET state = 'queued' WHERE id = 'c1'").run()
    throw new Error('abort')
  })())
  t.equal(count(), 1, 'rolled back with the change')
})
