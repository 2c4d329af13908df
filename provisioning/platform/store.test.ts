// The platform store's schema steps: applied once, and a store from a newer build is refused.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { openPlatformDb } from './store.ts'

t.test('steps run once; a store migrated by a newer build is refused, not marked older', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-platform-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'platform.db')
  const first = openPlatformDb(file)
  const steps = first.pragma('user_version', { simple: true }) as number
  t.ok(steps >= 3, `fleet, sync and later steps applied (${steps})`)
  t.ok(first.prepare("SELECT 1 FROM sqlite_master WHERE name = 'box_sync'").get(), 'the sync tables are there')
  first.close()
  openPlatformDb(file).close() // again: nothing re-run (a CREATE TABLE would throw)

  const raw = new Database(file)
  raw.pragma(`user_version = ${steps + 1}`)
  raw.close()
  t.throws(() => openPlatformDb(file), /schema step \d+; this build knows \d+/)
  const after = new Database(file, { readonly: true })
  t.equal(after.pragma('user_version', { simple: true }), steps + 1, 'left as the newer build wrote it')
  after.close()
})
