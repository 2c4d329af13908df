// The violation/clause table: officers read it when recording a determination; a supervisor corrects it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { appendAudit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import { currentViolationTable, saveViolationTable, violationTableProblem, ViolationTable } from '../documents/violations.ts'
import { fail } from '../errors.ts'

export const violationRoutes: FastifyPluginAsyncTypebox<{ db: Db; dataDir: string; now: () => Date }> = async (app, { db, dataDir, now }) => {
  // Fails the start if the table on disk is broken.
  currentViolationTable(dataDir)

  app.get('/api/violations', { onRequest: app.requireOfficer('case.determine') }, async () => currentViolationTable(dataDir))

  app.put('/api/violations', {
    schema: { body: ViolationTable },
    onRequest: app.requireOfficer('violations.edit'),
  }, async (req) => {
    const problem = violationTableProblem(req.body)
    if (problem) fail('VALIDATION_FAILED', { reason: problem })
    // The file first: an audit entry must never describe a table that is not on disk.
    saveViolationTable(dataDir, req.body)
    appendAudit(db, { type: 'officer', id: req.officer!.id }, 'violations.updated', null, { entries: req.body.entries.length }, now().toISOString())
    return currentViolationTable(dataDir)
  })
}
