// Field officers: the dispatches of their district, and status updates until the hand-over.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { desc, eq } from 'drizzle-orm'
import { DISPATCH_ORDER, type CaseService } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { ShortText, Uuid } from './schemas.ts'

export const dispatchRoutes: FastifyPluginAsyncTypebox<{ db: Db; cases: CaseService }> = async (app, { db, cases }) => {
  const byId = (id: string) => db.select().from(s.dispatches).where(eq(s.dispatches.id, id)).get()

  app.get('/api/dispatches', { onRequest: app.requireOfficer('dispatch.read') }, async (req) =>
    db.select().from(s.dispatches).where(eq(s.dispatches.districtId, req.officer!.districtId))
      .orderBy(desc(s.dispatches.createdAt)).limit(200).all(),
  )

  app.patch('/api/dispatches/:dispatchId', {
    schema: {
      params: Type.Object({ dispatchId: Uuid }),
      body: Type.Object({
        status: Type.Union(DISPATCH_ORDER.map((d) => Type.Literal(d))),
        note: Type.Optional(ShortText(500)),
      }, { additionalProperties: false }),
    },
    onRequest: app.requireOfficer('dispatch.update'),
  }, async (req) => {
    cases.updateDispatch(req.params.dispatchId, req.officer!, req.body.status, req.body.note)
    return byId(req.params.dispatchId)
  })
}
