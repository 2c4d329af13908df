// Storing what boxes send: events deduplicated by (box, seq), applied to the latest-state records
// in sequence order, and the highest contiguous sequence acknowledged. One transaction per batch.
import type { Batch, BatchReply, MissingEvidence, SyncEvent } from '../protocol.ts'
import type { PlatformDb } from '../../provisioning/platform/store.ts'

export type Ingest = ReturnType<typeof createIngest>

export function createIngest(db: PlatformDb) {
  const insertEvent = db.prepare(
    `INSERT OR IGNORE INTO events (box_id, seq, entity, entity_id, op, case_id, payload, at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const eventAt = db.prepare('SELECT entity, entity_id AS entityId, op, case_id AS caseId, payload FROM events WHERE box_id = ? AND seq = ?')
  const upsertRecord = db.prepare(
    `INSERT INTO records (box_id, entity, entity_id, case_id, payload, seq) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (box_id, entity, entity_id) DO UPDATE SET case_id = excluded.case_id, payload = excluded.payload, seq = excluded.seq`,
  )
  const deleteRecord = db.prepare('DELETE FROM records WHERE box_id = ? AND entity = ? AND entity_id = ?')
  const syncOf = db.prepare('SELECT acked_seq AS ackedSeq FROM box_sync WHERE box_id = ?').pluck()
  const updateSync = db.prepare(
    `INSERT INTO box_sync (box_id, acked_seq, head_seq, last_contact_at, skew_ms, behind_since) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (box_id) DO UPDATE SET acked_seq = excluded.acked_seq, head_seq = max(box_sync.head_seq, excluded.head_seq),
       last_contact_at = excluded.last_contact_at, skew_ms = excluded.skew_ms, behind_since = excluded.behind_since`,
  )
  const touch = db.prepare('UPDATE box_sync SET last_contact_at = ? WHERE box_id = ?')
  // Kept by the store's triggers (sync-tables.ts, step 4).
  const pendingEvidence = db.prepare('SELECT sha256, size_bytes AS sizeBytes FROM pending_evidence WHERE box_id = ? ORDER BY seq LIMIT ?')

  const ingestBatch = db.transaction((boxId: string, batch: Batch, receivedAt: Date): BatchReply => {
    const at = receivedAt.toISOString()
    let accepted = 0
    let acked = (syncOf.get(boxId) as number | undefined) ?? 0
    const apply = (e: Pick<SyncEvent, 'entity' | 'entityId' | 'op' | 'caseId' | 'payload'>) => {
      if (e.op === 'delete') deleteRecord.run(boxId, e.entity, e.entityId)
      else upsertRecord.run(boxId, e.entity, e.entityId, e.caseId, e.payload, acked + 1)
      acked++
    }
    for (const e of batch.events) {
      const stored = insertEvent.run(boxId, e.seq, e.entity, e.entityId, e.op, e.caseId, e.payload, e.at, at).changes
      accepted += stored
      // The usual case: the next event in order, applied as it is stored.
      if (stored === 1 && e.seq === acked + 1) apply(e)
    }
    // Events that arrived earlier beyond a gap the batch just filled: apply them in order too.
    for (;;) {
      const next = eventAt.get(boxId, acked + 1) as SyncEvent | undefined
      if (!next) break
      apply(next)
    }
    const last = batch.events[batch.events.length - 1]!
    const headSeq = Math.max(batch.headSeq, last.seq)
    // The box's clock as the box saw it versus ours: shown per box, never used to order anything.
    const skewMs = Date.parse(batch.boxTime) - receivedAt.getTime()
    // Behind: the platform is as current as the newest event it applied, on the box's clock.
    const newestApplied = batch.events.find((e) => e.seq === acked)
    updateSync.run(boxId, acked, headSeq, at, Number.isFinite(skewMs) ? skewMs : null, acked >= headSeq ? null : newestApplied?.at ?? null)
    return { ackedSeq: acked, accepted, duplicates: batch.events.length - accepted }
  })

  return {
    ingestBatch,
    ackedSeq(boxId: string, contactAt: Date): number {
      touch.run(contactAt.toISOString(), boxId)
      return (syncOf.get(boxId) as number | undefined) ?? 0
    },
    /** Files the box's evidence records announce that have not arrived (or not verified) yet, in the box's order. */
    missingEvidence(boxId: string, limit: number): Array<Omit<MissingEvidence, 'receivedBytes'>> {
      return pendingEvidence.all(boxId, limit) as Array<Omit<MissingEvidence, 'receivedBytes'>>
    },
    expectedEvidenceSize(boxId: string, sha256: string): number | undefined {
      return db.prepare(
        `SELECT json_extract(payload, '$.size_bytes') FROM records WHERE box_id = ? AND entity = 'evidence' AND json_extract(payload, '$.sha256') = ? LIMIT 1`,
      ).pluck().get(boxId, sha256) as number | undefined
    },
    recordEvidenceFile(boxId: string, sha256: string, sizeBytes: number, at: Date) {
      db.prepare('INSERT OR IGNORE INTO evidence_files (box_id, sha256, size_bytes, stored_at) VALUES (?, ?, ?, ?)').run(boxId, sha256, sizeBytes, at.toISOString())
    },
  }
}
