// The officer's side of OCR on stills: the case's plate and licence-card readings (beside each still),
// the still itself, the confirmation or correction of a plate, and a card's fields applied to a party.
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { CaseService, OfficerActor } from '../cases/case-service.ts'
import { fail } from '../errors.ts'
import type { EvidenceOcr } from '../ocr/evidence-ocr.ts'
import { PartyBody } from './party-schema.ts'
import { Uuid } from './schemas.ts'

const EvidenceParams = Type.Object({ caseId: Uuid, evidenceId: Uuid })
const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png' }
const party = PartyBody.properties
/** The party fields a licence card fills, formats as in the party body (the same rules apply after). */
const CardFields = Type.Object({
  name: Type.Optional(party.name),
  idNumber: party.idNumber,
  licenceClasses: party.licenceClasses,
  licenceValidUntil: party.licenceValidUntil,
  plate: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  vehicleType: Type.Optional(party.vehicle.properties.vehicleType),
}, { additionalProperties: false, minProperties: 1 })

export const ocrRoutes: FastifyPluginAsyncTypebox<{ cases: CaseService; ocr: EvidenceOcr; dataDir: string }> = async (
  app,
  { cases, ocr, dataDir },
) => {
  const plateOcr = ocr.plates
  const officer = (req: { officer: OfficerActor | null }) => req.officer!
  /** The same rule as reading the case: seat officers their own cases, supervisors the district. */
  const readable = (caseId: string, o: OfficerActor) => {
    const c = cases.loadCase(caseId)
    if (c.districtId !== o.districtId) fail('CASE_NOT_FOUND')
    if (o.role === 'seat' && c.officerId !== o.id) fail('CASE_ASSIGNED_ELSEWHERE')
  }

  app.get('/api/cases/:caseId/plate-readings', {
    schema: { params: Type.Object({ caseId: Uuid }) },
    onRequest: app.requireOfficer('case.read'),
  }, async (req) => {
    readable(req.params.caseId, officer(req))
    return plateOcr.list(req.params.caseId)
  })

  app.get('/api/cases/:caseId/evidence/:evidenceId/image', {
    schema: { params: EvidenceParams, hide: true },
    onRequest: app.requireOfficer('case.read'),
  }, async (req, reply) => {
    readable(req.params.caseId, officer(req))
    const e = plateOcr.stillFile(req.params.caseId, req.params.evidenceId)
    const ext = e.filePath.slice(e.filePath.lastIndexOf('.') + 1)
    reply.header('content-type', CONTENT_TYPES[ext] ?? 'application/octet-stream').header('cache-control', 'private, max-age=3600')
    return reply.send(createReadStream(join(dataDir, e.filePath)))
  })

  app.post('/api/cases/:caseId/evidence/:evidenceId/plate', {
    schema: {
      params: EvidenceParams,
      body: Type.Object({ plate: Type.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false }),
    },
    onRequest: app.requireOfficer('case.edit'),
  }, async (req) => plateOcr.confirm(req.params.caseId, req.params.evidenceId, officer(req), req.body.plate))

  app.get('/api/cases/:caseId/card-readings', {
    schema: { params: Type.Object({ caseId: Uuid }) },
    onRequest: app.requireOfficer('case.read'),
  }, async (req) => {
    readable(req.params.caseId, officer(req))
    return ocr.cards.list(req.params.caseId)
  })

  app.post('/api/cases/:caseId/evidence/:evidenceId/card', {
    schema: {
      params: EvidenceParams,
      body: Type.Object({ partyId: Uuid, fields: CardFields }, { additionalProperties: false }),
    },
    onRequest: app.requireOfficer('case.edit'),
  }, async (req) => ocr.cards.apply(req.params.caseId, req.params.evidenceId, officer(req), req.body.partyId, req.body.fields))
}
