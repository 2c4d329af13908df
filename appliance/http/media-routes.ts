// The call's signalling WebSocket and the citizen's still uploads.
import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { eq } from 'drizzle-orm'
import { hashToken } from '../auth/tokens.ts'
import type { CaseService, OfficerActor } from '../cases/case-service.ts'
import { CALL_STATES, type CaseState } from '../cases/state-machine.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import { imageExtension, storeEvidenceBytes } from '../evidence/file-store.ts'
import type { RoomRegistry } from '../media/rooms.ts'
import type { PlateOcrService } from '../ocr/plate-ocr-service.ts'
import { handleSignalling, type CallAccess } from '../media/signalling.ts'
import { SESSION_COOKIE, sessionOfficer } from '../plugins/auth.ts'
import { CaseParams } from './schemas.ts'

const MAX_STILL_BYTES = 15 * 1024 * 1024
const DECIMAL = '^-?[0-9]{1,3}(\\.[0-9]{1,12})?$'

/** The phone's position at capture when it sent a plausible one; otherwise the case's position applies. */
function capturePosition(lat: string | undefined, lng: string | undefined) {
  const [a, b] = [Number(lat), Number(lng)]
  return lat && lng && Math.abs(a) <= 90 && Math.abs(b) <= 180 ? { lat: a, lng: b } : {}
}
/** An officer joins a call once answered; the citizen already while waiting (instant first frame). */
const OFFICER_CALL_STATES: readonly CaseState[] = CALL_STATES.filter((s) => s !== 'queued')

export const mediaRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  cases: CaseService
  rooms: RoomRegistry
  dataDir: string
  heartbeatMs: number
  now: () => Date
  /** Reads the plates of each stored still in the background. */
  plateOcr?: PlateOcrService
}> = async (app, { db, cases, rooms, dataDir, heartbeatMs, now, plateOcr }) => {
  const stillRequests = new Map<string, string>() // requestId → caseId

  function access(officer: OfficerActor | null): CallAccess {
    return {
      authorize(caseId, token) {
        if (token !== undefined) {
          const c = db.select().from(s.cases).where(eq(s.cases.tokenHash, hashToken(token))).get()
          if (!c || c.id !== caseId || c.tokenExpiresAt <= now().toISOString()) fail('CITIZEN_TOKEN_INVALID')
          if (!CALL_STATES.includes(c!.state as CaseState)) fail('MEDIA_CALL_NOT_ACTIVE')
          return 'citizen'
        }
        if (!officer || officer.role === 'field' || officer.role === 'admin') return fail('AUTH_REQUIRED')
        const c = cases.loadCase(caseId)
        cases.assertHandler(c, officer)
        if (!OFFICER_CALL_STATES.includes(c.state as CaseState)) fail('MEDIA_CALL_NOT_ACTIVE')
        if (officer.role === 'seat' && c.officerId !== officer.id) fail('CASE_ASSIGNED_ELSEWHERE')
        return 'officer'
      },
      citizenPresence: (caseId, present) => cases.setCitizenPresence(caseId, present),
      newStillRequest(caseId) {
        const id = randomUUID()
        stillRequests.set(id, caseId)
        return id
      },
      callEnded: (caseId) => cases.endCall(caseId, officer ? { type: 'officer', id: officer.id } : { type: 'system', id: 'media' }),
    }
  }

  app.get('/api/media/ws', { websocket: true, schema: { hide: true } }, (socket, req) => {
    const o = sessionOfficer(db, req.cookies[SESSION_COOKIE], now())
    const officer = o && !o.disabled ? { id: o.id, role: o.role, districtId: o.districtId } : null
    handleSignalling(socket, rooms, access(officer), { heartbeatMs })
  })

  // The phone sends the full-resolution frame from its own camera; the box keeps it as evidence.
  app.addContentTypeParser(['image/jpeg', 'image/png'], { parseAs: 'buffer', bodyLimit: MAX_STILL_BYTES }, (_req, body, done) => done(null, body))
  app.post('/api/citizen/cases/:caseId/stills', {
    schema: {
      params: CaseParams,
      querystring: Type.Object({
        requestId: Type.Optional(Type.String({ format: 'uuid' })),
        // Query values are strings (no type coercion on this box); checked as decimals, ranged below.
        lat: Type.Optional(Type.String({ pattern: DECIMAL })),
        lng: Type.Optional(Type.String({ pattern: DECIMAL })),
      }, { additionalProperties: false }),
    },
    bodyLimit: MAX_STILL_BYTES,
    onRequest: app.requireCitizen,
  }, async (req, reply) => {
    const bytes = req.body as Buffer
    const extension = Buffer.isBuffer(bytes) ? imageExtension(bytes) : null
    if (!extension) fail('EVIDENCE_NOT_AN_IMAGE')
    const { caseId } = req.params
    const requestId = req.query.requestId ?? null
    if (requestId !== null && stillRequests.get(requestId) !== caseId) fail('EVIDENCE_REQUEST_UNKNOWN')
    const stored = storeEvidenceBytes(dataDir, caseId, bytes, extension!)
    const evidenceId = cases.addEvidence(caseId, { type: 'citizen', id: caseId }, {
      kind: 'still',
      ...stored,
      capturedAt: now().toISOString(),
      capturedBy: 'citizen',
      ...capturePosition(req.query.lat, req.query.lng),
    })
    if (requestId) stillRequests.delete(requestId)
    plateOcr?.schedule(caseId, evidenceId, stored.filePath)
    const room = await rooms.get(caseId)
    room?.peers.get('officer')?.notify('evidenceAdded', { evidenceId, kind: 'still', sha256: stored.sha256, requestId })
    reply.code(201)
    return { evidenceId, sha256: stored.sha256, sizeBytes: stored.sizeBytes }
  })
}

