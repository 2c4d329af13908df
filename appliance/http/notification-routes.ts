// The supervisor's view of the SMS outbox: what failed (or is still retrying), and a manual retry.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { and, desc, eq, inArray } from 'drizzle-orm'
import { appendAudit } from '../audit/audit-log.ts'
import type { OfficerActor } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import { Uuid } from './schemas.ts'

const STATUSES = ['pending', 'sent', 'failed'] as const

export const notificationRoutes: FastifyPluginAsyncTypebox<{ db: Db; now: () => Date; kick: () => void }> = async (app, { db, now, kick }) => {
  app.get('/api/notifications', {
    schema: { querystring: Type.Object({ status: Type.Optional(Type.Union(STATUSES.map((x) => Type.Literal(x)))) }, { additionalProperties: false }) },
    onRequest: app.requireOfficer('notification.read'),
  }, async (req) => {
    const o = req.officer as OfficerActor
    return db.select({ n: s.notifications, caseNo: s.cases.caseNo }).from(s.notifications)
      .innerJoin(s.cases, eq(s.cases.id, s.notifications.caseId))
      .where(and(eq(s.cases.districtId, o.districtId), inArray(s.notifications.status, req.query.status ? [req.query.status] : [...STATUSES])))
      .orderBy(desc(s.notifications.createdAt)).limit(200).all()
      .map(({ n, caseNo }) => ({
        id: n.id, caseId: n.caseId, caseNo, kind: n.kind, phone: n.phone, status: n.status, attempts: n.attempts,
        lastError: n.lastError, nextAttemptAt: n.nextAttemptAt, createdAt: n.createdAt, sentAt: n.sentAt,
      }))
  })

  app.post('/api/notifications/:id/retry', {
    schema: { params: Type.Object({ id: Uuid }) },
    onRequest: app.requireOfficer('notification.retry'),
  }, async (req) => {
    const o = req.officer as OfficerActor
    db.transaction((tx) => {
      const n = tx.select().from(s.notifications).where(eq(s.notifications.id, req.params.id)).get() ?? fail('NOTIFICATION_NOT_FOUND')
      if (n.status !== 'failed') fail('VALIDATION_FAILED', { reason: 'only failed messages can be retried' })
      tx.update(s.notifications).set({ status: 'pending', attempts: 0, nextAttemptAt: new Date().toISOString() }).where(eq(s.notifications.id, n.id)).run()
      appendAudit(tx, { type: 'officer', id: o.id }, 'notification.retried', n.caseId, { notificationId: n.id, kind: n.kind }, now().toISOString())
    })
    kick()
    return { ok: true }
  })
}
