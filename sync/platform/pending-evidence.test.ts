// The platform's list of evidence files still to come (pending_evidence, kept by triggers): what the
// box's evidence records announce, less what was stored, following changes and deletions of the
// records; and the same list built from the history of a store that predates the table.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { sqliteBoxRegistry } from '../../provisioning/platform/box-registry.ts'
import { openPlatformDb, type PlatformDb } from '../../provisioning/platform/store.ts'
import { PROTOCOL_VERSION, type SyncEvent } from '../protocol.ts'
import { createIngest } from './ingest.ts'
import { boxStatuses } from './status.ts'

const BOX = 'jinjiang-0001'
const sha = (name: string) => createHash('sha256').update(name).digest('hex')

function platformStore(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-pending-evidence-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'platform.db')
  const db = openPlatformDb(file)
  sqliteBoxRegistry(db).register({ boxId: BOX, districtId: 'jinjiang', publicKeyPem: 'pem', keyId: 'key-0001', url: 'https://box.invalid', enrolledAt: '2026-11-27T00:00:00Z' })
  return { db, file }
}

/** Sends one batch of evidence record changes, numbered after the box's last one. */
function boxSends(db: PlatformDb, changes: Array<{ id: string; file?: string; op?: 'delete' }>) {
  const ingest = createIngest(db)
  const acked = ingest.ackedSeq(BOX, new Date())
  const events: SyncEvent[] = changes.map((c, i) => ({
    seq: acked + 1 + i,
    entity: 'evidence',
    entityId: c.id,
    op: c.op ?? 'upsert',
    caseId: 'case-1',
    payload: JSON.stringify(c.file ? { id: c.id, sha256: sha(c.file), size_bytes: c.file.length * 1000 } : { id: c.id }),
    at: '2026-11-27T08:00:00Z',
  }))
  ingest.ingestBatch(BOX, { v: PROTOCOL_VERSION, boxId: BOX, events, headSeq: acked + events.length, boxTime: '2026-11-27T08:00:00Z' }, new Date())
}

const stored = (db: PlatformDb, file: string) => createIngest(db).recordEvidenceFile(BOX, sha(file), file.length * 1000, new Date())
const missing = (db: PlatformDb) => createIngest(db).missingEvidence(BOX, 100).map((m) => m.sha256)
const missingOnStatus = (db: PlatformDb) => boxStatuses(db, new Date()).find((b) => b.boxId === BOX)?.evidenceMissing

t.test('announced files are missing until stored, in the order the box announced them', async (t) => {
  const { db } = platformStore(t)
  boxSends(db, [{ id: 'e1', file: 'front' }, { id: 'e2', file: 'rear' }, { id: 'e3', file: 'front' }])
  t.same(missing(db), [sha('front'), sha('rear')], 'each file once, first announced first')
  t.same(createIngest(db).missingEvidence(BOX, 1), [{ sha256: sha('front'), sizeBytes: 5000 }], 'limited, with the announced size')
  t.equal(missingOnStatus(db), 2)
  stored(db, 'front')
  t.same(missing(db), [sha('rear')])
  t.equal(missingOnStatus(db), 1)
  // A record naming a file the platform already holds announces nothing new.
  boxSends(db, [{ id: 'e4', file: 'front' }])
  t.same(missing(db), [sha('rear')])
})

t.test('a changed or deleted record withdraws its file unless another record still names it', async (t) => {
  const { db } = platformStore(t)
  boxSends(db, [{ id: 'e1', file: 'scene' }, { id: 'e2', file: 'plate' }, { id: 'e3', file: 'plate' }])
  boxSends(db, [{ id: 'e1', file: 'scene-retaken' }])
  t.same(missing(db), [sha('plate'), sha('scene-retaken')], 'the replaced file is no longer asked for')
  boxSends(db, [{ id: 'e2', op: 'delete' }])
  t.same(missing(db), [sha('plate'), sha('scene-retaken')], 'e3 still names the plate photo')
  boxSends(db, [{ id: 'e3', op: 'delete' }])
  t.same(missing(db), [sha('scene-retaken')])
  boxSends(db, [{ id: 'e1' }])
  t.same(missing(db), [], 'a record without a file announces nothing')
  t.equal(missingOnStatus(db), 0)
})

t.test('a store from before the table gets the list from its history on upgrade', async (t) => {
  const { db, file } = platformStore(t)
  boxSends(db, [{ id: 'e1', file: 'a' }, { id: 'e2', file: 'b' }, { id: 'e3', file: 'c' }])
  stored(db, 'b')
  // Back to the store as the build before this step left it: no table, no triggers.
  const steps = db.pragma('user_version', { simple: true }) as number
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pending_evidence_%'").all() as Array<{ name: string }>) {
    db.exec(`DROP TRIGGER ${name}`)
  }
  db.exec('DROP TABLE pending_evidence')
  db.pragma(`user_version = ${steps - 1}`)
  // One more record stored by the old build.
  db.prepare(`INSERT INTO records (box_id, entity, entity_id, case_id, payload, seq) VALUES (?, 'evidence', 'e4', 'case-1', ?, 4)`)
    .run(BOX, JSON.stringify({ id: 'e4', sha256: sha('d'), size_bytes: 1000 }))
  db.close()

  const upgraded = openPlatformDb(file)
  t.teardown(() => upgraded.close())
  t.same(missing(upgraded), [sha('a'), sha('c'), sha('d')])
  stored(upgraded, 'a')
  t.same(missing(upgraded), [sha('c'), sha('d')], 'and kept from then on')
})
