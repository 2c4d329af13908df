// Hash chain of the audit log (pure): each entry's hash covers its content and the previous hash.
import { createHash } from 'node:crypto'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditContent {
  seq: number
  at: string
  actorType: string
  actorId: string
  action: string
  caseId: string | null
  detail: string
}

export function auditHash(prevHash: string, e: AuditContent): string {
  const canonical = JSON.stringify([
    e.seq, e.at, e.actorType, e.actorId, e.action, e.caseId, e.detail, prevHash,
  ])
  return createHash('sha256').update(canonical).digest('hex')
}

export type ChainProblem = 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap'

export interface ChainReport {
  ok: boolean
  entries: number
  firstBroken?: { seq: number; problem: ChainProblem }
}

/** Walks entries in sequence order and names the first entry that breaks the chain. */
export function verifyChain(
  entries: Iterable<AuditContent & { prevHash: string; hash: string }>,
): ChainReport {
  let prev = GENESIS_HASH
  let expectedSeq = 1
  let count = 0
  for (const e of entries) {
    count++
    // A deleted row shows as a gap; the row after it no longer links to its predecessor.
    if (e.seq !== expectedSeq) return { ok: false, entries: count, firstBroken: { seq: e.seq, problem: 'sequence_gap' } }
    if (e.prevHash !== prev) return { ok: false, entries: count, firstBroken: { seq: e.seq, problem: 'prev_hash_mismatch' } }
    if (auditHash(prev, e) !== e.hash) return { ok: false, entries: count, firstBroken: { seq: e.seq, problem: 'hash_mismatch' } }
    prev = e.hash
    expectedSeq = e.seq + 1
  }
  return { ok: true, entries: count }
}
