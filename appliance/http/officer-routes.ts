// Admins: officer accounts of the box (create, change role, disable, unlock).
import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { eq } from 'drizzle-orm'
import { appendAudit } from '../audit/audit-log.ts'
import { hashPassword } from '../auth/passwords.ts'
import { ROLES } from '../auth/roles.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import { ShortText, Uuid } from './schemas.ts'

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)))
const Password = Type.String({ minLength: 10, maxLength: 256 })

const publicOfficer = ({ passwordHash: _hidden, ...o }: s.OfficerRow) => o

export const officerRoutes: FastifyPluginAsyncTypebox<{ db: Db; now: () => Date }> = async (app, { db, now }) => {
  const guard = app.requireOfficer('officer.manage')

  app.get('/api/officers', { onRequest: guard }, async (req) =>
    db.select().from(s.officers).where(eq(s.officers.districtId, req.officer!.districtId)).all().map(publicOfficer),
  )

  app.post('/api/officers', {
    schema: {
      body: Type.Object({
        username: Type.String({ minLength: 3, maxLength: 32, pattern: '^[a-z0-9._-]+$' }),
        displayName: ShortText(50),
        badgeNo: Type.String({ minLength: 3, maxLength: 16, pattern: '^[0-9A-Za-z]+$' }),
        role: Role,
        password: Password,
      }, { additionalProperties: false }),
    },
    onRequest: guard,
  }, async (req, reply) => {
    const { password, ...rest } = req.body
    if (db.select({ id: s.officers.id }).from(s.officers).where(eq(s.officers.username, rest.username)).get()) fail('USERNAME_TAKEN')
    const passwordHash = await hashPassword(password)
    const id = randomUUID()
    db.transaction((tx) => {
      tx.insert(s.officers).values({ id, ...rest, districtId: req.officer!.districtId, passwordHash }).run()
      appendAudit(tx, { type: 'officer', id: req.officer!.id }, 'officer.created', null, { officerId: id, role: rest.role }, now().toISOString())
    })
    reply.code(201)
    return publicOfficer(db.select().from(s.officers).where(eq(s.officers.id, id)).get()!)
  })

  app.patch('/api/officers/:officerId', {
    schema: {
      params: Type.Object({ officerId: Uuid }),
      body: Type.Object({
        role: Type.Optional(Role),
        disabled: Type.Optional(Type.Boolean()),
        unlock: Type.Optional(Type.Literal(true)),
        password: Type.Optional(Password),
      }, { additionalProperties: false, minProperties: 1 }),
    },
    onRequest: guard,
  }, async (req) => {
    const target = db.select().from(s.officers).where(eq(s.officers.id, req.params.officerId)).get()
    if (!target || target.districtId !== req.officer!.districtId) fail('OFFICER_NOT_FOUND')
    const { role, disabled, unlock, password } = req.body
    const patch: Partial<s.OfficerRow> = {
      ...(role ? { role } : {}),
      ...(disabled !== undefined ? { disabled } : {}),
      ...(unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
      ...(password ? { passwordHash: await hashPassword(password) } : {}),
    }
    db.transaction((tx) => {
      tx.update(s.officers).set(patch).where(eq(s.officers.id, target!.id)).run()
      // A disabled account or a new password ends the sessions already open.
      if (disabled || password) tx.delete(s.sessions).where(eq(s.sessions.officerId, target!.id)).run()
      appendAudit(tx, { type: 'officer', id: req.officer!.id }, 'officer.updated', null,
        { officerId: target!.id, role, disabled, unlock, passwordChanged: Boolean(password) }, now().toISOString())
    })
    return publicOfficer(db.select().from(s.officers).where(eq(s.officers.id, target!.id)).get()!)
  })
}
