// Writing to the notification outbox. Runs inside the caller's transaction, so a message exists
// exactly when the case change that causes it committed; the sender loop delivers it later.
import { randomUUID } from 'node:crypto'
import type { Db } from '../db/open.ts'
import { notifications } from '../db/schema.ts'
import { smsText, type TemplateData } from './templates.ts'

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/**
 * `key` names the message for good (e.g. served:<caseId>:<partyId>): enqueuing the same key twice
 * is a no-op, and the gateway dedupes deliveries on it.
 */
export function enqueueSms(tx: Tx | Db, msg: { caseId: string | null; phone: string; key: string; at: string; data: TemplateData }): void {
  tx.insert(notifications).values({
    id: randomUUID(),
    caseId: msg.caseId,
    kind: msg.data.kind,
    phone: msg.phone,
    body: smsText(msg.data),
    idempotencyKey: msg.key,
    status: 'pending',
    // Scheduling runs on the wall clock (the retry loop's), not the case clock: due at once.
    nextAttemptAt: new Date().toISOString(),
    createdAt: msg.at,
  }).onConflictDoNothing({ target: notifications.idempotencyKey }).run()
}
