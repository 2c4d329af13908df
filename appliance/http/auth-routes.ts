// Officer login, logout and "who am I".
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { eq } from 'drizzle-orm'
import type { createLoginService } from '../auth/login.ts'
import { ROLE_TEXT, PERMISSIONS } from '../auth/roles.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { SESSION_COOKIE } from '../plugins/auth.ts'
import { Ok, ShortText } from './schemas.ts'

const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  badgeNo: Type.String(),
  districtId: Type.String(),
  role: Type.String(),
  roleText: Type.String(),
  permissions: Type.Array(Type.String()),
})

export const authRoutes: FastifyPluginAsyncTypebox<{
  db: Db
  login: ReturnType<typeof createLoginService>
  secureCookies: boolean
  loginsPerMinute: number
}> = async (app, { db, login, secureCookies, loginsPerMinute }) => {
  const me = (o: s.OfficerRow) => ({
    id: o.id,
    username: o.username,
    displayName: o.displayName,
    badgeNo: o.badgeNo,
    districtId: o.districtId,
    role: o.role,
    roleText: ROLE_TEXT[o.role],
    permissions: [...PERMISSIONS[o.role]],
  })

  app.post('/api/auth/login', {
    schema: {
      body: Type.Object({ username: ShortText(64), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
      response: { 200: Me },
    },
    config: { rateLimit: { max: loginsPerMinute, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    const { token, expiresAt, officer } = await login.login(req.body.username, req.body.password)
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookies,
      path: '/',
      expires: expiresAt,
    })
    return me(officer)
  })

  app.post('/api/auth/logout', { schema: { response: { 200: Ok } } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE]
    if (token) login.logout(token)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return { ok: true as const }
  })

  app.get('/api/auth/me', {
    schema: { response: { 200: Me } },
    onRequest: app.requireOfficer('self.read'),
  }, async (req) => me(db.select().from(s.officers).where(eq(s.officers.id, req.officer!.id)).get()!))
}
