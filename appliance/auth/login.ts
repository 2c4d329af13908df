// Officer login with lockout after repeated failures, and session issue/revoke.
import { eq } from 'drizzle-orm'
import type { Config } from '../../firmware-config/config.ts'
import { appendAudit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import { DUMMY_HASH, verifyPassword } from './passwords.ts'
import { hashToken, newToken } from './tokens.ts'

export function createLoginService(db: Db, config: Config, now: () => Date) {
  return {
    async login(username: string, password: string) {
      const o = db.select().from(s.officers).where(eq(s.officers.username, username)).get()
      const passwordOk = await verifyPassword(password, o?.passwordHash ?? DUMMY_HASH)
      if (!o) fail('AUTH_INVALID_CREDENTIALS')
      const officer = o!
      const at = now()
      if (officer.lockedUntil && officer.lockedUntil > at.toISOString()) fail('AUTH_LOCKED', { lockedUntil: officer.lockedUntil })
      if (officer.disabled) fail('AUTH_DISABLED')
      const actor = { type: 'officer' as const, id: officer.id }
      if (!passwordOk) {
        const failed = officer.failedLogins + 1
        const lock = failed >= config.auth.maxFailedLogins
        const lockedUntil = lock ? new Date(at.getTime() + config.auth.lockoutMinutes * 60_000).toISOString() : null
        db.transaction((tx) => {
          tx.update(s.officers).set({ failedLogins: lock ? 0 : failed, lockedUntil }).where(eq(s.officers.id, officer.id)).run()
          appendAudit(tx, actor, lock ? 'auth.locked' : 'auth.login_failed', null, { failed, lockedUntil }, at.toISOString())
        })
        fail(lock ? 'AUTH_LOCKED' : 'AUTH_INVALID_CREDENTIALS', lock ? { lockedUntil } : undefined)
      }
      const token = newToken()
      const expiresAt = new Date(at.getTime() + config.auth.sessionTtlMinutes * 60_000)
      db.transaction((tx) => {
        tx.update(s.officers).set({ failedLogins: 0, lockedUntil: null }).where(eq(s.officers.id, officer.id)).run()
        tx.insert(s.sessions).values({ tokenHash: hashToken(token), officerId: officer.id, expiresAt: expiresAt.toISOString() }).run()
        appendAudit(tx, actor, 'auth.login', null, {}, at.toISOString())
      })
      return { token, expiresAt, officer }
    },

    logout(token: string) {
      db.delete(s.sessions).where(eq(s.sessions.tokenHash, hashToken(token))).run()
    },
  }
}
