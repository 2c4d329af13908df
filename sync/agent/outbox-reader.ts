// Reads the box's outbox in sequence order from its own read-only connection: WAL lets it read while
// the box writes, and it never takes the write lock, so the case workflow never waits for it.
import Database from 'better-sqlite3'
import type { SyncEvent } from '../protocol.ts'

export interface OutboxSlice {
  events: SyncEvent[]
  headSeq: number
}

export function openOutboxReader(dbFile: string) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  try {
    return reader(db)
  } catch (err) {
    // Not migrated yet: the caller retries with a fresh connection.
    db.close()
    throw err
  }
}

function reader(db: Database.Database) {
  const rows = db.prepare(
    'SELECT seq, entity, entity_id AS entityId, op, case_id AS caseId, payload, at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  )
  const head = db.prepare("SELECT coalesce(max(seq), 0) FROM outbox").pluck()
  const evidenceFile = db.prepare('SELECT file_path AS filePath, size_bytes AS sizeBytes FROM evidence WHERE sha256 = ? LIMIT 1')
  // One short read transaction: the slice and the head come from the same snapshot.
  const read = db.transaction((afterSeq: number, max: number): OutboxSlice => {
    return { events: rows.all(afterSeq, max) as SyncEvent[], headSeq: head.get() as number }
  })
  return {
    read,
    evidenceFile: (sha256: string) => evidenceFile.get(sha256) as { filePath: string; sizeBytes: number } | undefined,
    close: () => db.close(),
  }
}
