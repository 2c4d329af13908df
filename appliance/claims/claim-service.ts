// One-tap insurance claims. Filing records the claim (idempotent: one per party) and tries the
// insurer at once; the retry loop keeps trying with backoff. Acceptance records the insurer's
// reference, its audit entry and the "claim filed" SMS in one transaction.
import { randomUUID } from 'node:crypto'
import { and, asc, eq, lte } from 'drizzle-orm'
import type { Config } from '../../firmware-config/config.ts'
import { appendAudit, type Actor } from '../audit/audit-log.ts'
import { partiesWithVehicles } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import type { DocumentContent } from '../documents/document-content.ts'
import { fail } from '../errors.ts'
import { enqueueSms } from '../notifications/outbox.ts'
import { afterFailure } from '../deliveries/backoff.ts'
import { claimReport } from './claim-report.ts'
import { reportClaim } from './insurer-adapters.ts'
import { isOneTapInsurer, ONE_TAP_INSURERS, otherInsurerGuidance } from './insurers.ts'

export type ClaimService = ReturnType<typeof createClaimService>

export function createClaimService({ db, config, now }: { db: Db; config: Config; now: () => Date }) {
  const claimById = (id: string) => db.select().from(s.claims).where(eq(s.claims.id, id)).get()!

  function documentOf(caseId: string) {
    return db.select().from(s.determinationDocuments).where(eq(s.determinationDocuments.caseId, caseId)).get() ?? fail('CASE_NOT_SERVED')
  }

  /** One attempt at the insurer; records the outcome. */
  async function deliver(claim: s.ClaimRow): Promise<s.ClaimRow> {
    if (!isOneTapInsurer(claim.insurerCode)) return claim
    const doc = documentOf(claim.caseId)
    const content = JSON.parse(doc.content) as DocumentContent
    const party = db.select().from(s.parties).where(eq(s.parties.id, claim.partyId)).get()!
    const report = claimReport(content, doc.pdfSha256, party.label)
    const r = await reportClaim(claim.insurerCode, config.insurers[claim.insurerCode], report, `claim:${claim.id}`, config.insurers.timeoutMs)
    const attempts = claim.attempts + 1
    const wall = new Date()
    db.transaction((tx) => {
      const fresh = tx.select().from(s.claims).where(eq(s.claims.id, claim.id)).get()!
      if (fresh.status === 'accepted') return // a concurrent attempt got there first
      if (r.ok) {
        const at = now().toISOString()
        tx.update(s.claims).set({ status: 'accepted', attempts, reference: r.reference, acceptedAt: at, lastError: null }).where(eq(s.claims.id, claim.id)).run()
        appendAudit(tx, { type: 'system', id: 'claims' }, 'claim.accepted', claim.caseId, { claimId: claim.id, insurer: claim.insurerCode, reference: r.reference }, at)
        enqueueSms(tx, {
          caseId: claim.caseId, phone: party.phone, key: `claim:${claim.id}`, at,
          data: { kind: 'claim_filed', caseNo: content.caseNo, insurer: ONE_TAP_INSURERS[claim.insurerCode as keyof typeof ONE_TAP_INSURERS].name, reference: r.reference },
        })
      } else {
        tx.update(s.claims).set({ attempts, lastError: r.error, ...afterFailure(attempts, r.permanent, config.outbox, wall, Math.random()) })
          .where(eq(s.claims.id, claim.id)).run()
      }
    })
    return claimById(claim.id)
  }

  return {
    /** What the progress page offers a party: one-tap claim, or guidance for other insurers. */
    claimOptions(caseId: string) {
      const doc = db.select().from(s.determinationDocuments).where(eq(s.determinationDocuments.caseId, caseId)).get()
      return partiesWithVehicles(db, caseId).map(({ party, vehicle }) => {
        const claim = db.select().from(s.claims).where(eq(s.claims.partyId, party.id)).get() ?? null
        const oneTap = isOneTapInsurer(vehicle?.insurerCode)
        return {
          partyId: party.id,
          label: party.label,
          insurer: vehicle?.insurer ?? null,
          oneTap,
          guidance: oneTap || !doc ? null : otherInsurerGuidance(vehicle?.insurer ?? null, doc.documentNo),
          claim: claim && { status: claim.status, reference: claim.reference, attempts: claim.attempts, filedAt: claim.createdAt },
        }
      })
    },

    /** The citizen's tap. Repeated taps return the same claim. */
    async file(caseId: string, partyId: string, actor: Actor) {
      documentOf(caseId)
      const row = partiesWithVehicles(db, caseId).find((r) => r.party.id === partyId) ?? fail('PARTY_NOT_FOUND')
      const code = row.vehicle?.insurerCode
      if (!isOneTapInsurer(code)) fail('CLAIM_INSURER_NOT_SUPPORTED', { guidance: otherInsurerGuidance(row.vehicle?.insurer ?? null, documentOf(caseId).documentNo) })
      const id = randomUUID()
      // The inline attempt below goes first; the loop takes over once it has surely timed out.
      const firstRetry = () => new Date(Date.now() + config.insurers.timeoutMs + config.outbox.baseDelayMs).toISOString()
      const attemptNow = db.transaction((tx) => {
        const existing = tx.select().from(s.claims).where(eq(s.claims.partyId, partyId)).get()
        const at = now().toISOString()
        if (existing?.status === 'failed') {
          // The citizen taps again after the retries gave up: try again from the start, same key.
          tx.update(s.claims).set({ status: 'pending', attempts: 0, nextAttemptAt: firstRetry() }).where(eq(s.claims.id, existing.id)).run()
          appendAudit(tx, actor, 'claim.refiled', caseId, { claimId: existing.id }, at)
          return true
        }
        if (existing) return false
        tx.insert(s.claims).values({ id, caseId, partyId, insurerCode: code!, status: 'pending', nextAttemptAt: firstRetry(), createdAt: at }).run()
        appendAudit(tx, actor, 'claim.filed', caseId, { claimId: id, partyId, insurer: code }, at)
        return true
      })
      const claim = db.select().from(s.claims).where(eq(s.claims.partyId, partyId)).get()!
      return attemptNow ? deliver(claim) : claim
    },

    /** One pass of the retry loop: every pending claim that is due. */
    async retryPass() {
      const due = db.select().from(s.claims)
        .where(and(eq(s.claims.status, 'pending'), lte(s.claims.nextAttemptAt, new Date().toISOString())))
        .orderBy(asc(s.claims.nextAttemptAt)).limit(20).all()
      await Promise.all(due.map(deliver))
    },
  }
}
