// Who is calling: an officer by session cookie, a citizen by case-link token. Routes pick one guard
// and run it on `onRequest`, before any body is parsed or validated.
import fp from 'fastify-plugin'
import { and, eq, gt, sql } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import { can, type Permission } from '../auth/roles.ts'
import { hashToken } from '../auth/tokens.ts'
import type { OfficerActor } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'

export const SESSION_COOKIE = 'kc_session'

declare module 'fastify' {
  interface FastifyRequest {
    officer: OfficerActor | null
    citizenCaseId: string | null
    /** Set when the token is a party's own link (sent at service): that party acts. */
    citizenPartyId: string | null
  }
  interface FastifyInstance {
    requireOfficer: (p: Permission) => (req: FastifyRequest) => Promise<void>
    requireCitizen: (req: FastifyRequest<{ Params: { caseId: string } }>) => Promise<void>
  }
}

const sessionQueries = new WeakMap<Db, ReturnType<typeof prepareSessionQuery>>()

// Every officer request looks its session up: prepared once per database, not built per request.
const prepareSessionQuery = (db: Db) =>
  db.select({ officer: s.officers }).from(s.sessions)
    .innerJoin(s.officers, eq(s.officers.id, s.sessions.officerId))
    .where(and(eq(s.sessions.tokenHash, sql.placeholder('tokenHash')), gt(s.sessions.expiresAt, sql.placeholder('now'))))
    .prepare()

/** The officer behind a session cookie, if the session exists and has not expired. */
export function sessionOfficer(db: Db, token: string | undefined, now: Date): s.OfficerRow | null {
  if (!token) return null
  let query = sessionQueries.get(db)
  if (!query) sessionQueries.set(db, (query = prepareSessionQuery(db)))
  return query.get({ tokenHash: hashToken(token), now: now.toISOString() })?.officer ?? null
}

export const authPlugin = fp<{ db: Db; now: () => Date }>(async (app, { db, now }) => {
  app.decorateRequest('officer', null)
  app.decorateRequest('citizenCaseId', null)
  app.decorateRequest('citizenPartyId', null)

  app.decorate('requireOfficer', (permission: Permission) => async (req: FastifyRequest) => {
    const o = sessionOfficer(db, req.cookies[SESSION_COOKIE], now())
    if (!o) fail('AUTH_REQUIRED')
    if (o!.disabled) fail('AUTH_DISABLED')
    if (!can(o!.role, permission)) fail('FORBIDDEN', { permission })
    req.officer = { id: o!.id, role: o!.role, districtId: o!.districtId }
  })

  // The token opens exactly the case it was issued for.
  app.decorate('requireCitizen', async (req: FastifyRequest<{ Params: { caseId: string } }>) => {
    const header = req.headers.authorization ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
    if (!token) fail('CITIZEN_TOKEN_INVALID')
    const hash = hashToken(token)
    const c = db.select({ id: s.cases.id, expiresAt: s.cases.tokenExpiresAt, partyId: sql<string | null>`null` }).from(s.cases)
      .where(eq(s.cases.tokenHash, hash)).get()
      ?? db.select({ id: s.partyLinks.caseId, expiresAt: s.partyLinks.expiresAt, partyId: s.partyLinks.partyId }).from(s.partyLinks)
        .where(eq(s.partyLinks.tokenHash, hash)).get()
    if (!c || c.expiresAt <= now().toISOString()) fail('CITIZEN_TOKEN_INVALID')
    if (c!.id !== req.params.caseId) fail('FORBIDDEN')
    req.citizenCaseId = c!.id
    req.citizenPartyId = c!.partyId
  })
}, { name: 'auth' })
