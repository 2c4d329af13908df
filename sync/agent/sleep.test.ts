import { getEventListeners } from 'node:events'
import t from 'tap'
import { sleep } from './sleep.ts'

t.test('sleeps that run out leave no listener on the signal', async (t) => {
  const stop = new AbortController()
  for (let i = 0; i < 20; i++) await sleep(1, stop.signal)
  t.equal(getEventListeners(stop.signal, 'abort').length, 0)
})

t.test('an abort ends a long sleep at once', async (t) => {
  const stop = new AbortController()
  const slept = sleep(3_600_000, stop.signal)
  stop.abort()
  await slept
  t.pass('resolved without waiting an hour')
})
