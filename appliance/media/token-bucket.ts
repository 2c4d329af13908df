// A token bucket: up to `burst` actions at once, refilled at `perSecond`. Pure; the clock is passed in.
export function createTokenBucket(burst: number, perSecond: number, now: () => number = Date.now) {
  let tokens = burst
  let refilledAt = now()
  return {
    /** Takes one token; false when the bucket is empty. */
    take(): boolean {
      const t = now()
      tokens = Math.min(burst, tokens + ((t - refilledAt) / 1000) * perSecond)
      refilledAt = t
      if (tokens < 1) return false
      tokens--
      return true
    },
  }
}
