// The determination document: the officer's copy of the PDF, and the public verification API the
// QR code leads to. Verification shows no personal data: number, unit, time, liabilities by label.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { CaseService, OfficerActor } from '../cases/case-service.ts'
import type { DocumentService } from '../documents/document-service.ts'
import type { VerificationFailure } from '../documents/signing.ts'
import { fail } from '../errors.ts'
import { CaseParams, Uuid } from './schemas.ts'

const FAILURE_TEXT: Record<VerificationFailure, string> = {
  SIGNATURE_INVALID: '电子签名验证失败：内容被修改或并非本系统签发',
  PDF_MISMATCH: '文件与签发的认定书不一致：文件已被修改',
  DATA_CHANGED: '系统中的案件数据与签发内容不一致：数据已被修改',
}

const MAX_PDF_BYTES = 5 * 1024 * 1024
/** Anyone can reach the verification API: per client address, per minute. */
const VERIFY_RATE = { rateLimit: { max: 120, timeWindow: '1 minute' } }

export const documentRoutes: FastifyPluginAsyncTypebox<{ cases: CaseService; documents: DocumentService }> = async (app, { cases, documents }) => {
  // Only this plugin takes PDF bodies (the app refuses every non-JSON body elsewhere).
  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES }, (_req, body, done) => done(null, body))

  app.get('/api/cases/:caseId/document.pdf', {
    schema: { params: CaseParams },
    onRequest: app.requireOfficer('case.read'),
  }, async (req, reply) => {
    const o = req.officer as OfficerActor
    const c = cases.loadCase(req.params.caseId)
    if (c.districtId !== o.districtId) fail('CASE_NOT_FOUND')
    const doc = documents.documentForCase(c.id) ?? fail('CASE_NOT_SERVED')
    return reply.type('application/pdf').send(documents.pdfOf(doc))
  })

  const verification = (documentId: string, pdf?: Buffer) => {
    const r = documents.verify(documentId, pdf)
    return {
      authentic: r.authentic,
      failures: r.failures.map((code) => ({ code, text: FAILURE_TEXT[code] })),
      documentNo: r.content.documentNo,
      issuingUnit: r.content.issuingUnit,
      servedAt: r.content.servedAt,
      findings: r.content.parties.map((p) => ({ label: p.label, liability: p.liability })),
      pdfSha256: r.doc.pdfSha256,
      keyId: r.doc.keyId,
      signature: r.doc.signature,
      // Anyone may check the signature offline: Ed25519 over canonical JSON of {v: 1, content, pdfSha256}.
      publicKeyPem: documents.publicKeyPem,
    }
  }

  app.get('/api/verify/:documentId', {
    schema: { params: Type.Object({ documentId: Uuid }) },
    config: VERIFY_RATE,
  }, async (req) => verification(req.params.documentId))

  // The holder's own PDF: is this file the document the box issued?
  app.post('/api/verify/:documentId/pdf', {
    schema: { params: Type.Object({ documentId: Uuid }) },
    config: VERIFY_RATE,
  }, async (req) => {
    const body = req.body
    if (!Buffer.isBuffer(body) || body.length === 0) fail('VALIDATION_FAILED', { reason: 'a PDF body (application/pdf) is required' })
    return verification(req.params.documentId, body as Buffer)
  })
}
