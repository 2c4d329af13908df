// Citizen routes: report an accident, follow one's own case, join or resume the call, withdraw.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { CaseService } from '../cases/case-service.ts'
import { citizenCaseView } from '../cases/case-view.ts'
import type { Db } from '../db/open.ts'
import { CaseParams, Phone, ShortText } from './schemas.ts'

const Report = Type.Object({
  location: Type.Object({
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
  }, { additionalProperties: false }),
  phone: Phone,
  plate: Type.Optional(Type.String({ maxLength: 16 })),
  address: Type.Optional(ShortText(200)),
}, { additionalProperties: false })

export const citizenRoutes: FastifyPluginAsyncTypebox<{ db: Db; cases: CaseService; reportsPerMinute: number }> = async (
  app,
  { db, cases, reportsPerMinute },
) => {
  const view = (caseId: string) => citizenCaseView(db, cases.loadCase(caseId))

  app.post('/api/citizen/reports', {
    schema: {
      body: Report,
      response: {
        201: Type.Object({
          caseId: Type.String(),
          caseNo: Type.String(),
          token: Type.String(),
          tokenExpiresAt: Type.String(),
        }),
      },
    },
    config: { rateLimit: { max: reportsPerMinute, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    const r = cases.report({ ...req.body.location, phone: req.body.phone, plate: req.body.plate, address: req.body.address })
    reply.code(201)
    return r
  })

  app.get('/api/citizen/cases/:caseId', {
    schema: { params: CaseParams },
    onRequest: app.requireCitizen,
  }, async (req) => view(req.params.caseId))

  // 【继续处理】 after a dropped call uses the same route: it always returns to the same case.
  app.post('/api/citizen/cases/:caseId/join', {
    schema: { params: CaseParams },
    onRequest: app.requireCitizen,
  }, async (req) => {
    cases.joinOrResume(req.params.caseId)
    return view(req.params.caseId)
  })

  app.post('/api/citizen/cases/:caseId/cancel', {
    schema: { params: CaseParams },
    onRequest: app.requireCitizen,
  }, async (req) => {
    cases.cancel(req.params.caseId, { type: 'citizen', id: req.params.caseId })
    return view(req.params.caseId)
  })
}
