import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openDb } from './open.ts'

t.test('the case store opens with WAL, foreign keys, full sync, and migrations applied once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-db-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'nested', 'kuaichu.db')
  let db = openDb(file)
  t.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal')
  t.equal(db.$client.pragma('foreign_keys', { simple: true }), 1)
  t.equal(db.$client.pragma('synchronous', { simple: true }), 2, 'FULL')
  const tables = (db.$client.prepare(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name)
  for (const name of ['cases', 'parties', 'vehicles', 'evidence', 'eligibility_results', 'determinations', 'determination_parties', 'dispatches', 'officers', 'sessions', 'audit_log']) {
    t.ok(tables.includes(name), name)
  }
  t.throws(
    () => db.$client.prepare(`INSERT INTO parties (id, case_id, ordinal, label, name, phone) VALUES ('p', 'no-such-case', 1, '甲方', 'x', 'y')`).run(),
    /FOREIGN KEY/,
  )
  db.$client.close()
  db = openDb(file)
  const applied = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }
  const journal = JSON.parse(readFileSync(join(import.meta.dirname, 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  t.equal(applied.n, journal.entries.length, 'reopening applies nothing twice')
  db.$client.close()
})
