// Exponential backoff for outbox retries: base·2^(attempt−1), capped, with up to 20% jitter from the
// caller's random number so many failures do not retry in lockstep. Pure.
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp * (1 + 0.2 * random))
}

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number }

/** What a failed delivery becomes: failed for good, or pending with its next attempt's time. */
export function afterFailure(attempts: number, permanent: boolean, policy: RetryPolicy, now: Date, random: number):
  { status: 'failed' } | { status: 'pending'; nextAttemptAt: string } {
  if (permanent || attempts >= policy.maxAttempts) return { status: 'failed' }
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + backoffMs(attempts, policy.baseDelayMs, policy.maxDelayMs, random)).toISOString() }
}
