// The audit log on a real SQLite file: append-only at the database, tampering named by the verifier.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { openDb } from '../db/open.ts'
import { appendAudit, verifyAuditLog } from './audit-log.ts'

const run = promisify(execFile)

function logWith(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-audit-'))
  const file = join(dir, 'kuaichu.db')
  const db = openDb(file)
  for (let i = 1; i <= n; i++) {
    db.transaction((tx) => appendAudit(tx, { type: 'system', id: 'test' }, 'case.enqueue', null, { i }, `2026-11-26T02:00:0${i}.000Z`))
  }
  return { db, file, cleanup: () => { db.$client.close(); rmSync(dir, { recursive: true, force: true }) } }
}

/** What someone with the file in hand could do: drop the guard triggers, then tamper. */
const dropGuards = (db: ReturnType<typeof openDb>) =>
  db.$client.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;')

t.test('updates and deletes are refused by the database', async (t) => {
  const { db, cleanup } = logWith(3)
  t.teardown(cleanup)
  t.throws(() => db.$client.exec(`UPDATE audit_log SET detail = '{}' WHERE seq = 2`), /append-only/)
  t.throws(() => db.$client.exec('DELETE FROM audit_log WHERE seq = 2'), /append-only/)
  t.same(verifyAuditLog(db), { ok: true, entries: 3 })
})

t.test('an edited row is named', async (t) => {
  const { db, cleanup } = logWith(5)
  t.teardown(cleanup)
  dropGuards(db)
  db.$client.exec(`UPDATE audit_log SET detail = '{"i":99}' WHERE seq = 3`)
  t.same(verifyAuditLog(db).firstBroken, { seq: 3, problem: 'hash_mismatch' })
})

t.test('a deleted row is named by the gap', async (t) => {
  const { db, cleanup } = logWith(5)
  t.teardown(cleanup)
  dropGuards(db)
  db.$client.exec('DELETE FROM audit_log WHERE seq = 2')
  t.same(verifyAuditLog(db).firstBroken, { seq: 3, problem: 'sequence_gap' })
})

t.test('the verify command exits non-zero and names the first broken entry', async (t) => {
  const { db, file, cleanup } = logWith(4)
  t.teardown(cleanup)
  const cli = join(import.meta.dirname, 'verify-cli.ts')
  const ok = await run('npx', ['tsx', cli, file])
  t.match(ok.stdout, /audit chain intact: 4 entries/)
  dropGuards(db)
  db.$client.exec(`UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2`)
  const err = await run('npx', ['tsx', cli, file]).then(() => null, (e: { code: number; stderr: string }) => e)
  t.ok(err, 'exit code is non-zero')
  t.equal(err?.code, 1)
  t.match(err?.stderr, /BROKEN at entry seq=2: hash_mismatch/)
})
