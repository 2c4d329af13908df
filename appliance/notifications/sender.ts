// One pass of the SMS sender: every pending message that is due goes to the gateway with its
// idempotency key; success marks it sent, a failure schedules the next attempt (exponential
// backoff) or, after maxAttempts or a permanent refusal, marks it failed for the supervisor.
import { and, asc, eq, lte } from 'drizzle-orm'
import type { Config } from '../../firmware-config/config.ts'
import type { Db } from '../db/open.ts'
import { notifications } from '../db/schema.ts'
import { afterFailure } from '../outbox/backoff.ts'
import type { SmsGateway } from './sms-gateway.ts'

const BATCH = 20

export function smsSenderPass(db: Db, gateway: SmsGateway, policy: Config['outbox']) {
  return async () => {
    const wallNow = new Date().toISOString()
    const due = db.select().from(notifications)
      .where(and(eq(notifications.status, 'pending'), lte(notifications.nextAttemptAt, wallNow)))
      .orderBy(asc(notifications.nextAttemptAt)).limit(BATCH).all()
    await Promise.all(due.map(async (n) => {
      const r = await gateway.send({ to: n.phone, text: n.body, idempotencyKey: n.idempotencyKey })
      const attempts = n.attempts + 1
      const at = new Date()
      if (r.ok) {
        db.update(notifications).set({ status: 'sent', attempts, sentAt: at.toISOString(), gatewayRef: r.messageId, lastError: null })
          .where(eq(notifications.id, n.id)).run()
      } else {
        db.update(notifications).set({ attempts, lastError: r.error, ...afterFailure(attempts, r.permanent, policy, at, Math.random()) })
          .where(eq(notifications.id, n.id)).run()
      }
    }))
  }
}
