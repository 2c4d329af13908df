import t from 'tap'
import { backoffDelay } from './backoff.ts'

t.test('full jitter under an exponential ceiling, capped', async (t) => {
  const policy = { baseMs: 100, maxMs: 5_000 }
  t.equal(backoffDelay(1, policy, () => 0.999), 99)
  t.equal(backoffDelay(4, policy, () => 0.999), 799)
  t.equal(backoffDelay(30, policy, () => 0.999), 4_995, 'never above the cap')
  t.equal(backoffDelay(3, policy, () => 0), 0, 'jitter reaches down to zero')
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(6, policy)))
  t.ok(spread.size > 10, 'boxes retrying together spread out')
})
