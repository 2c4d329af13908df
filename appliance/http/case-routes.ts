// Officer routes on cases: queue, accept, parties, checks, eligibility, dispatch, determination.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { auditEntriesForCase } from '../audit/audit-log.ts'
import type { Permission } from '../auth/roles.ts'
import type { CaseService, OfficerActor } from '../cases/case-service.ts'
import { FACT_KEYS } from '../cases/facts.ts'
import { districtCasesView, officerCaseView, queueView } from '../cases/case-view.ts'
import { LIABILITIES } from '../cases/liability.ts'
import { CASE_STATES } from '../cases/state-machine.ts'
import type { Db } from '../db/open.ts'
import type { CaseRow } from '../db/schema.ts'
import { fail } from '../errors.ts'
import { PartyBody } from './party-schema.ts'
import { CaseParams, ShortText, Uuid } from './schemas.ts'

const Facts = Type.Partial(
  Type.Object({
    ...Object.fromEntries(FACT_KEYS.map((k) => [k, Type.Boolean()])),
    address: ShortText(200),
  }),
  { additionalProperties: false, minProperties: 1 },
)

const Determination = Type.Object({
  accidentTime: Type.Optional(Type.String({ format: 'date-time' })),
  place: Type.Optional(ShortText(200)),
  weather: ShortText(20),
  accidentType: ShortText(50),
  impactPoints: ShortText(200),
  facts: ShortText(2000),
  parties: Type.Array(
    Type.Object({
      partyId: Uuid,
      liability: Type.Union(LIABILITIES.map((l) => Type.Literal(l))),
      violation: Type.Optional(ShortText(200)),
      clause: Type.Optional(ShortText(100)),
    }, { additionalProperties: false }),
    { minItems: 1, maxItems: 8 },
  ),
}, { additionalProperties: false })

export const caseRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  cases: CaseService
  now: () => Date
  /** Serving issues the signed document (documents/document-service.ts). */
  serve: (caseId: string, o: OfficerActor) => Promise<void>
}> = async (app, { db, cases, now, serve }) => {
  const officer = (req: { officer: OfficerActor | null }) => req.officer!

  /** Seat officers see queued cases and their own; supervisors the whole district. */
  function readable(caseId: string, o: OfficerActor): CaseRow {
    const c = cases.loadCase(caseId)
    if (c.districtId !== o.districtId) fail('CASE_NOT_FOUND')
    if (o.role === 'seat' && c.state !== 'queued' && c.officerId !== o.id) fail('CASE_ASSIGNED_ELSEWHERE')
    return c
  }
  const view = (caseId: string) => officerCaseView(db, cases.loadCase(caseId))

  app.get('/api/queue', { onRequest: app.requireOfficer('queue.read') }, async (req) =>
    queueView(db, officer(req).districtId, officer(req).id, now()),
  )

  app.get('/api/cases', {
    schema: { querystring: Type.Object({ state: Type.Optional(Type.Union(CASE_STATES.map((s) => Type.Literal(s)))) }, { additionalProperties: false }) },
    onRequest: app.requireOfficer('case.read_all'),
  }, async (req) => districtCasesView(db, officer(req).districtId, req.query.state ? [req.query.state] : undefined))

  app.get('/api/cases/:caseId', {
    schema: { params: CaseParams },
    onRequest: app.requireOfficer('case.read'),
  }, async (req) => officerCaseView(db, readable(req.params.caseId, officer(req))))

  app.get('/api/cases/:caseId/audit', {
    schema: { params: CaseParams },
    onRequest: app.requireOfficer('audit.read'),
  }, async (req) => {
    readable(req.params.caseId, officer(req))
    return auditEntriesForCase(db, req.params.caseId)
  })

  // Steps that take no body: one route each, same shape (guard, act, reply with the case).
  const STEPS: Array<[path: string, permission: Permission, act: (caseId: string, o: OfficerActor) => unknown]> = [
    ['accept', 'case.accept', cases.accept],
    ['evidence-complete', 'case.edit', cases.completeEvidence],
    ['reopen', 'case.edit', cases.reopenEvidence],
    ['verify', 'case.verify', cases.verify],
    ['eligibility', 'case.assess', cases.assess],
    ['serve', 'case.serve', serve],
    ['close', 'case.close', cases.close],
  ]
  for (const [path, permission, act] of STEPS) {
    app.post(`/api/cases/:caseId/${path}`, {
      schema: { params: CaseParams },
      onRequest: app.requireOfficer(permission),
    }, async (req) => {
      await act(req.params.caseId, officer(req))
      return view(req.params.caseId)
    })
  }

  app.patch('/api/cases/:caseId/facts', {
    schema: { params: CaseParams, body: Facts },
    onRequest: app.requireOfficer('case.edit'),
  }, async (req) => {
    cases.updateFacts(req.params.caseId, officer(req), req.body)
    return view(req.params.caseId)
  })

  app.post('/api/cases/:caseId/parties', {
    schema: { params: CaseParams, body: PartyBody },
    onRequest: app.requireOfficer('case.edit'),
  }, async (req, reply) => {
    cases.upsertParty(req.params.caseId, officer(req), null, req.body)
    reply.code(201)
    return view(req.params.caseId)
  })

  app.put('/api/cases/:caseId/parties/:partyId', {
    schema: { params: Type.Object({ caseId: Uuid, partyId: Uuid }), body: PartyBody },
    onRequest: app.requireOfficer('case.edit'),
  }, async (req) => {
    cases.upsertParty(req.params.caseId, officer(req), req.params.partyId, req.body)
    return view(req.params.caseId)
  })

  app.post('/api/cases/:caseId/parties/:partyId/attest', {
    schema: {
      params: Type.Object({ caseId: Uuid, partyId: Uuid }),
      body: Type.Object({
        checks: Type.Array(Type.Union([Type.Literal('licence'), Type.Literal('registration'), Type.Literal('insurance')]), { minItems: 1, maxItems: 3, uniqueItems: true }),
        note: ShortText(500),
      }, { additionalProperties: false }),
    },
    onRequest: app.requireOfficer('case.verify'),
  }, async (req) => {
    cases.attest(req.params.caseId, req.params.partyId, officer(req), req.body.checks, req.body.note)
    return view(req.params.caseId)
  })

  app.post('/api/cases/:caseId/dispatch', {
    schema: { params: CaseParams, body: Type.Object({ note: Type.Optional(ShortText(500)) }, { additionalProperties: false }) },
    onRequest: app.requireOfficer('case.dispatch'),
  }, async (req, reply) => {
    cases.dispatch(req.params.caseId, officer(req), req.body.note)
    reply.code(201)
    return view(req.params.caseId)
  })

  app.post('/api/cases/:caseId/determination', {
    schema: { params: CaseParams, body: Determination },
    onRequest: app.requireOfficer('case.determine'),
  }, async (req, reply) => {
    cases.determine(req.params.caseId, officer(req), req.body)
    reply.code(201)
    return view(req.params.caseId)
  })

}

