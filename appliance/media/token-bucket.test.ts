import t from 'tap'
import { createTokenBucket } from './token-bucket.ts'

t.test('a burst, then the refill rate', async (t) => {
  let now = 0
  const bucket = createTokenBucket(3, 2, () => now)
  t.same([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false], 'the burst, then empty')
  now += 499
  t.equal(bucket.take(), false, 'less than one token refilled')
  now += 1
  t.equal(bucket.take(), true, 'one token after half a second at 2/s')
  now += 60_000
  t.same([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false], 'never more than the burst')
})
