// Citizen routes after the call (网办进度): progress, the document PDF, one-tap claims, review.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { CaseService } from '../cases/case-service.ts'
import type { ClaimService } from '../claims/claim-service.ts'
import type { Db } from '../db/open.ts'
import type { DocumentService } from '../documents/document-service.ts'
import { fail } from '../errors.ts'
import { actingParties, progressView } from '../progress/progress-view.ts'
import { fileReview } from '../progress/review-service.ts'
import { CaseParams, ShortText, Uuid } from './schemas.ts'

export const progressRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  cases: CaseService
  documents: DocumentService
  claims: ClaimService
  now: () => Date
  kick: () => void
}> = async (app, { db, cases, documents, claims, now, kick }) => {
  const citizen = { type: 'citizen' as const }

  app.get('/api/citizen/cases/:caseId/progress', {
    schema: { params: CaseParams },
    onRequest: app.requireCitizen,
  }, async (req) => progressView(db, cases.loadCase(req.params.caseId), claims, req.citizenPartyId, now()))

  app.get('/api/citizen/cases/:caseId/document.pdf', {
    schema: { params: CaseParams },
    onRequest: app.requireCitizen,
  }, async (req, reply) => {
    const doc = documents.documentForCase(req.params.caseId) ?? fail('CASE_NOT_SERVED')
    return reply.type('application/pdf')
      .header('content-disposition', `attachment; filename="determination-${doc.id}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(documents.pdfOf(doc))
  })

  app.post('/api/citizen/cases/:caseId/claims', {
    schema: { params: CaseParams, body: Type.Object({ partyId: Uuid }, { additionalProperties: false }) },
    onRequest: app.requireCitizen,
  }, async (req, reply) => {
    const c = cases.loadCase(req.params.caseId)
    if (!actingParties(db, c, req.citizenPartyId).includes(req.body.partyId)) fail('CLAIM_PARTY_NOT_ALLOWED')
    const claim = await claims.file(c.id, req.body.partyId, { ...citizen, id: c.id })
    if (claim.status === 'pending') kick()
    reply.code(claim.status === 'accepted' ? 201 : 202)
    return { status: claim.status, reference: claim.reference, attempts: claim.attempts, insurerCode: claim.insurerCode }
  })

  app.post('/api/citizen/cases/:caseId/review', {
    schema: { params: CaseParams, body: Type.Object({ reason: ShortText(2000) }, { additionalProperties: false }) },
    onRequest: app.requireCitizen,
  }, async (req, reply) => {
    const c = cases.loadCase(req.params.caseId)
    const review = fileReview(db, cases, now, { caseId: c.id, partyId: req.citizenPartyId, reason: req.body.reason, actor: { ...citizen, id: c.id } })
    reply.code(201)
    return review
  })
}
