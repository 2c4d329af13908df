// The platform's admins: scrypt passwords, session cookie. Every fleet-changing route needs one.
import type { FastifyRequest } from 'fastify'
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../appliance/auth/passwords.ts'
import { hashToken, newToken } from '../../appliance/auth/tokens.ts'
import { fail } from '../../appliance/errors.ts'
import type { FleetActor, PlatformDb } from './store.ts'

export const ADMIN_COOKIE = 'kc_admin'
const SESSION_TTL_MS = 8 * 3600_000

export function createAdminAuth(db: PlatformDb, now: () => Date) {
  const findAdmin = db.prepare('SELECT password_hash AS hash FROM admins WHERE username = ?')
  const findSession = db.prepare('SELECT username FROM admin_sessions WHERE token_hash = ? AND expires_at > ?')
  return {
    async createAdmin(username: string, password: string) {
      db.prepare('INSERT INTO admins (username, password_hash) VALUES (?, ?)').run(username, await hashPassword(password))
    },
    hasAdmins: () => db.prepare('SELECT 1 FROM admins LIMIT 1').get() !== undefined,
    async login(username: string, password: string): Promise<{ token: string; expiresAt: Date }> {
      const row = findAdmin.get(username) as { hash: string } | undefined
      // Same work whether or not the user exists.
      const ok = await verifyPassword(password, row?.hash ?? DUMMY_HASH)
      if (!row || !ok) fail('AUTH_INVALID_CREDENTIALS')
      const token = newToken()
      const expiresAt = new Date(now().getTime() + SESSION_TTL_MS)
      db.prepare('INSERT INTO admin_sessions (token_hash, username, expires_at) VALUES (?, ?, ?)').run(hashToken(token), username, expiresAt.toISOString())
      return { token, expiresAt }
    },
    /** The admin behind the request's cookie, or null. */
    adminOf(req: FastifyRequest): FleetActor | null {
      const token = req.cookies[ADMIN_COOKIE]
      if (!token) return null
      const row = findSession.get(hashToken(token), now().toISOString()) as { username: string } | undefined
      return row ? { type: 'admin', id: row.username } : null
    },
  }
}
export type AdminAuth = ReturnType<typeof createAdminAuth>
