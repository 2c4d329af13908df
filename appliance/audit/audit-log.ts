// Writing and reading the audit log. Appends must run inside the caller's transaction so the
// entry commits (or rolls back) together with the change it records.
import { asc, desc, eq } from 'drizzle-orm'
import type { Db } from '../db/open.ts'
import { auditLog } from '../db/schema.ts'
import { auditHash, GENESIS_HASH, verifyChain, type ChainReport } from './chain.ts'

export interface Actor {
  type: 'officer' | 'citizen' | 'system'
  id: string
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export function appendAudit(
  tx: Tx | Db,
  actor: Actor,
  action: string,
  caseId: string | null,
  detail: Record<string, unknown>,
  at: string,
): void {
  const last = tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog)
    .orderBy(desc(auditLog.seq)).limit(1).get()
  const content = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actorType: actor.type,
    actorId: actor.id,
    action,
    caseId,
    detail: JSON.stringify(detail),
  }
  const prevHash = last?.hash ?? GENESIS_HASH
  tx.insert(auditLog).values({ ...content, prevHash, hash: auditHash(prevHash, content) }).run()
}

export function verifyAuditLog(db: Db): ChainReport {
  // Streamed row by row: the log grows without bound.
  const rows = db.$client
    .prepare(
      `SELECT seq, at, actor_type AS actorType, actor_id AS actorId, action, case_id AS caseId,
              detail, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq`,
    )
    .iterate() as IterableIterator<Parameters<typeof verifyChain>[0] extends Iterable<infer E> ? E : never>
  return verifyChain(rows)
}

export function auditEntriesForCase(db: Db, caseId: string) {
  return db.select().from(auditLog).where(eq(auditLog.caseId, caseId)).orderBy(asc(auditLog.seq)).all()
}
