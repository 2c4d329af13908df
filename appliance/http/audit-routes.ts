// Supervisors: verify the audit hash chain of the box.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { verifyAuditLog } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'

export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/api/audit/verify', { onRequest: app.requireOfficer('audit.read') }, async () => verifyAuditLog(db))
}
