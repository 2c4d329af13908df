// One pass of the SMS sender: every pending message that is due goes to the gateway with its
// idempotency key; success marks it sent, a failure schedules the next attempt (exponential
// backoff) or, after maxAttempts or a permanent refusal, marks it failed for the supervisor.
import { and, asc, eq, lte } from 'drizzle-orm'
import type { Config } from '../../firmware-config/config.ts'
import type { Db } from '../db/open.ts'
import { notifications } from '../db/schema.ts'
import { afterFailure } from '../deliveries/backoff.ts'
import { redactTokens } from './links.ts'
import type { SmsGateway } from './sms-gateway.ts'

const BATCH = 20

export function smsSenderPass(db: Db, gateway: SmsGateway, policy: Config['outbox']) {
  return async () => {
    const wallNow = new Date().toISOString()
    const due = db.select().from(notifications)
      .where(and(eq(notifications.status, 'pending'), lte(notifications.nextAttemptAt, wallNow)))
      .orderBy(asc(notifications.nextAttemptAt)).limit(BATCH).all()
    if (due.length === 0) return
    const results = await Promise.all(due.map((n) => gateway.send({ to: n.phone, text: n.body, idempotencyKey: n.idempotencyKey })))
    // One transaction (one fsync) for the whole batch's outcomes.
    const at = new Date()
    db.transaction((tx) => {
      due.forEach((n, i) => {
        const r = results[i]!
        const attempts = n.attempts + 1
        const patch = r.ok
          ? { status: 'sent' as const, attempts, sentAt: at.toISOString(), gatewayRef: r.messageId, lastError: null, body: redactTokens(n.body) }
          : { attempts, lastError: r.error, ...afterFailure(attempts, r.permanent, policy, at, Math.random()) }
        tx.update(notifications).set(patch).where(eq(notifications.id, n.id)).run()
      })
    })
  }
}
