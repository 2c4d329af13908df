// Applications for review (复核): one per accident, within 3 days of the recorded service time
// (review-window.ts), with a reason; recorded with its audit entry and SMS in one transaction.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { appendAudit, type Actor } from '../audit/audit-log.ts'
import type { CaseService } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { REVIEW_RULE, reviewDeadline, reviewWindowOpen } from '../documents/review-window.ts'
import { fail } from '../errors.ts'
import { enqueueSms } from '../notifications/outbox.ts'

export function fileReview(db: Db, cases: CaseService, now: () => Date, input: { caseId: string; partyId: string | null; reason: string; actor: Actor }) {
  return db.transaction((tx) => {
    const c = cases.loadCase(input.caseId)
    if (c.servedAt === null) fail('CASE_NOT_SERVED')
    if (!reviewWindowOpen(c.servedAt!, now())) fail('REVIEW_WINDOW_CLOSED', { rule: REVIEW_RULE, servedAt: c.servedAt, deadline: reviewDeadline(c.servedAt!) })
    if (tx.select().from(s.reviews).where(eq(s.reviews.caseId, c.id)).get()) fail('REVIEW_ALREADY_FILED')
    const phone = input.partyId
      ? tx.select({ phone: s.parties.phone }).from(s.parties).where(eq(s.parties.id, input.partyId)).get()!.phone
      : c.reporterPhone
    const id = randomUUID()
    const at = now().toISOString()
    tx.insert(s.reviews).values({ id, caseId: c.id, partyId: input.partyId, reason: input.reason, receivedAt: at }).run()
    appendAudit(tx, input.actor, 'review.received', c.id, { reviewId: id, partyId: input.partyId, reason: input.reason }, at)
    enqueueSms(tx, { caseId: c.id, phone, key: `review:${id}`, at, data: { kind: 'review_received', caseNo: c.caseNo } })
    return { id, receivedAt: at }
  })
}
