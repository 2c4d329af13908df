// The citizen's progress page (网办进度): timeline, the document, claims, review and dispatch status.
// Shows the citizen their own party's options only, never another party's personal data.
import { eq } from 'drizzle-orm'
import type { ClaimService } from '../claims/claim-service.ts'
import { citizenCaseView } from '../cases/case-view.ts'
import type { DispatchStatus } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { auditEntriesForCase } from '../audit/audit-log.ts'
import type { DocumentContent } from '../documents/document-content.ts'
import { REVIEW_RULE, reviewDeadline, reviewWindowOpen } from '../documents/review-window.ts'

const EVENT_TEXT: Record<string, string> = {
  'document.issued': '电子认定书已签发',
  'claim.filed': '已提交保险报案',
  'claim.accepted': '保险公司已受理报案',
  'review.received': '复核申请已提交',
}

export const DISPATCH_TEXT: Record<DispatchStatus, string> = {
  pending: '已通知辖区民警，等待出警',
  assigned: '民警已接警',
  en_route: '民警正在赶往现场',
  on_scene: '民警已到达现场',
  handed_over: '已移交现场民警处理',
}

/** Which parties the caller may act for: their own link's party, or the reporter's own parties. */
export function actingParties(db: Db, c: s.CaseRow, linkPartyId: string | null): string[] {
  if (linkPartyId) return [linkPartyId]
  return db.select({ id: s.parties.id, phone: s.parties.phone }).from(s.parties).where(eq(s.parties.caseId, c.id)).all()
    .filter((p) => p.phone === c.reporterPhone)
    .map((p) => p.id)
}

export function progressView(db: Db, c: s.CaseRow, claims: ClaimService, linkPartyId: string | null, now: Date) {
  const base = citizenCaseView(db, c)
  const events = auditEntriesForCase(db, c.id)
    .filter((e) => EVENT_TEXT[e.action])
    .map((e) => ({ at: e.at, action: e.action, stateText: EVENT_TEXT[e.action]! }))
  const doc = db.select().from(s.determinationDocuments).where(eq(s.determinationDocuments.caseId, c.id)).get()
  const content = doc ? (JSON.parse(doc.content) as DocumentContent) : null
  const mine = new Set(actingParties(db, c, linkPartyId))
  const review = db.select().from(s.reviews).where(eq(s.reviews.caseId, c.id)).get()
  const dispatch = db.select().from(s.dispatches).where(eq(s.dispatches.caseId, c.id)).get()
  return {
    ...base,
    timeline: [...base.timeline, ...events].sort((a, b) => a.at.localeCompare(b.at)),
    document: doc && content
      ? {
          id: doc.id,
          documentNo: doc.documentNo,
          servedAt: content.servedAt,
          pdfSha256: doc.pdfSha256,
          verifyPath: `/verify/${doc.id}`,
          findings: content.parties.map((p) => ({ label: p.label, liability: p.liability })),
        }
      : null,
    claims: claims.claimOptions(c.id).filter((o) => mine.has(o.partyId)),
    review: c.servedAt
      ? {
          open: reviewWindowOpen(c.servedAt, now) && !review,
          deadline: reviewDeadline(c.servedAt),
          deadlineText: content?.reviewDeadline ?? null,
          rule: REVIEW_RULE,
          filed: review ? { receivedAt: review.receivedAt } : null,
        }
      : null,
    dispatch: dispatch
      ? { status: dispatch.status, statusText: DISPATCH_TEXT[dispatch.status], updatedAt: dispatch.updatedAt, text: '本起事故不适用视频快处，民警正在赶往现场处理，请在安全地点等候。' }
      : null,
  }
}
