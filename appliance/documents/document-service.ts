// Issuing and checking the signed determination. At service the document is built from the case
// store, rendered, signed and written durably; then one transaction records the service, the
// document, the parties' links and their SMS. Verification rebuilds the content from the store.
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Config } from '../../firmware-config/config.ts'
import type { NodeIdentity } from '../../provisioning/node-identity.ts'
import { appendAudit } from '../audit/audit-log.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import { officerActor, partiesWithVehicles, type CaseService, type OfficerActor, type Tx } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { writeFileDurably } from '../durable-write.ts'
import { AppError, fail } from '../errors.ts'
import { progressLink, verifyLink } from '../notifications/links.ts'
import { enqueueSms } from '../notifications/outbox.ts'
import { documentContent, type DocumentContent } from './document-content.ts'
import { documentCounterName, documentNumber } from './document-number.ts'
import { loadCjkFont, renderDocumentPdf } from './render-pdf.ts'
import { sha256Hex, signDocument, verifyDocument } from './signing.ts'

export interface DocumentServiceDeps {
  db: Db
  config: Config
  cases: CaseService
  identity: NodeIdentity
  now: () => Date
  publicBaseUrl: () => string
}

export type DocumentService = ReturnType<typeof createDocumentService>

/** Another service took the document number between rendering and commit: render again. */
class NumberTaken extends Error {}

export function createDocumentService({ db, config, cases, identity, now, publicBaseUrl }: DocumentServiceDeps) {
  const font = loadCjkFont()
  const yearOf = (iso: string) => Number(new Intl.DateTimeFormat('en', { timeZone: config.service.timeZone, year: 'numeric' }).format(new Date(iso)))

  /** The document's content as the case store holds it now. */
  function contentFromStore(caseId: string, documentNo: string, servedAt: string): DocumentContent {
    const c = cases.loadCase(caseId)
    const det = db.select().from(s.determinations).where(eq(s.determinations.caseId, caseId)).get() ?? fail('TRANSITION_NOT_ALLOWED', { reason: 'no determination' })
    const findings = db.select().from(s.determinationParties).where(eq(s.determinationParties.determinationId, det.id)).all()
    const officer = db.select().from(s.officers).where(eq(s.officers.id, det.officerId)).get() ?? fail('OFFICER_NOT_FOUND')
    return documentContent({
      documentNo,
      caseNo: c.caseNo,
      issuingUnit: config.district.issuingUnit,
      timeZone: config.service.timeZone,
      servedAt,
      determination: det,
      officer,
      parties: partiesWithVehicles(db, caseId).map(({ party, vehicle }) => ({
        party,
        vehicle,
        finding: findings.find((f) => f.partyId === party.id) ?? fail('INTERNAL', { reason: 'party without finding', partyId: party.id }),
      })),
    })
  }

  async function attemptServe(caseId: string, officer: OfficerActor) {
    const c = cases.loadCase(caseId)
    cases.assertHandler(c, officer)
    if (c.state !== 'determined') fail('TRANSITION_NOT_ALLOWED', { from: c.state, event: 'serve' })
    const servedAt = now().toISOString()
    const counter = documentCounterName(c.districtId, yearOf(servedAt))
    const last = db.select().from(s.counters).where(eq(s.counters.name, counter)).get()?.value ?? 0
    const documentNo = documentNumber(config.district.name, yearOf(servedAt), last + 1)
    const documentId = randomUUID()
    const content = contentFromStore(caseId, documentNo, servedAt)
    const pdf = await renderDocumentPdf(content, verifyLink(publicBaseUrl(), documentId), servedAt, font)
    const pdfSha256 = sha256Hex(pdf)
    const { signature, keyId } = signDocument(identity, content, pdfSha256)
    const pdfPath = join('documents', `${pdfSha256}.pdf`)
    mkdirSync(join(config.dataDir, 'documents'), { recursive: true })
    writeFileDurably(join(config.dataDir, pdfPath), pdf, 0o640)
    const det = db.select({ id: s.determinations.id }).from(s.determinations).where(eq(s.determinations.caseId, caseId)).get()!
    const expiresAt = new Date(now().getTime() + config.citizen.tokenTtlHours * 3600_000).toISOString()
    const links = partiesWithVehicles(db, caseId).map(({ party }) => ({ party, token: newToken() }))

    cases.serve(caseId, officer, {
      at: servedAt,
      inTx: (tx: Tx) => {
        const taken = last === 0
          ? tx.insert(s.counters).values({ name: counter, value: 1 }).onConflictDoNothing().run().changes
          : tx.update(s.counters).set({ value: last + 1 }).where(eq(s.counters.name, counter)).run().changes
        const row = tx.select().from(s.counters).where(eq(s.counters.name, counter)).get()
        if (taken !== 1 || row?.value !== last + 1) throw new NumberTaken()
        tx.insert(s.determinationDocuments).values({
          id: documentId, caseId, determinationId: det.id, documentNo, content: JSON.stringify(content),
          pdfPath, pdfSha256, signature, keyId, issuedAt: servedAt,
        }).run()
        appendAudit(tx, officerActor(officer), 'document.issued', caseId, { documentId, documentNo, pdfSha256, keyId }, servedAt)
        for (const { party, token } of links) {
          tx.insert(s.partyLinks).values({ tokenHash: hashToken(token), caseId, partyId: party.id, expiresAt }).run()
          enqueueSms(tx, {
            caseId, phone: party.phone, key: `served:${caseId}:${party.id}`, at: servedAt,
            data: { kind: 'determination_served', caseNo: c.caseNo, documentNo, reviewDeadline: content.reviewDeadline, link: progressLink(publicBaseUrl(), caseId, token) },
          })
        }
      },
    })
  }

  function documentById(documentId: string): s.DocumentRow {
    return db.select().from(s.determinationDocuments).where(eq(s.determinationDocuments.id, documentId)).get() ?? fail('DOCUMENT_NOT_FOUND')
  }

  return {
    contentFromStore,
    publicKeyPem: identity.publicKeyPem,

    async serve(caseId: string, officer: OfficerActor) {
      for (let i = 0; ; i++) {
        try {
          return await attemptServe(caseId, officer)
        } catch (e) {
          if (!(e instanceof NumberTaken) || i >= 2) throw e instanceof NumberTaken ? new AppError('INTERNAL', { reason: 'document number contention' }) : e
        }
      }
    },

    documentForCase(caseId: string): s.DocumentRow | null {
      return db.select().from(s.determinationDocuments).where(eq(s.determinationDocuments.caseId, caseId)).get() ?? null
    },

    documentById,

    pdfOf(doc: s.DocumentRow): Buffer {
      return readFileSync(join(config.dataDir, doc.pdfPath))
    },

    /**
     * Is the document authentic? The signature over the recorded content and PDF hash under this
     * box's key, the case store's current data against the signed content, and either the PDF the
     * caller holds (`pdf`) or the box's own copy against the signed hash.
     */
    verify(documentId: string, pdf?: Buffer) {
      const doc = documentById(documentId)
      const content = JSON.parse(doc.content) as DocumentContent
      const result = verifyDocument({
        content,
        pdfSha256: doc.pdfSha256,
        signature: doc.signature,
        publicKeyPem: identity.publicKeyPem,
        pdf: pdf ?? readFileSync(join(config.dataDir, doc.pdfPath)),
        currentContent: contentFromStore(doc.caseId, doc.documentNo, doc.issuedAt),
      })
      return { ...result, doc, content }
    },
  }
}
