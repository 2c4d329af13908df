// Exponential backoff with full jitter: a fleet of boxes coming back after an outage does not
// hammer the platform in step. Pure.
export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 30_000 }

/** Delay before retry number `attempt` (1, 2, …): uniform in [0, min(max, base·2^(attempt−1))]. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)))
  return Math.floor(random() * ceiling)
}
