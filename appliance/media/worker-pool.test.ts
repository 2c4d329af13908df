// The worker pool with real mediasoup workers: a crashed worker and a stuck one (stopped with
// SIGSTOP, so it never answers) are each replaced on the same ports, their routers close, and the
// other worker is left alone.
import { once } from 'node:events'
import t from 'tap'
import { MEDIA_CODECS } from './codecs.ts'
import { createWorkerPool } from './worker-pool.ts'

const OPTS = { workers: 2, rtcMinPort: 47000, rtcMaxPort: 47099, watchdog: { intervalMs: 200, timeoutMs: 1000 } }

t.test('a crashed worker is replaced; calls acquire the live one meanwhile', async (t) => {
  const pool = await createWorkerPool(OPTS)
  t.teardown(() => pool.close())
  const [w0, w1] = pool.workers
  const first = await pool.acquire()
  t.equal(first.worker, w0, 'least loaded: slot 0 first')
  const second = await pool.acquire()
  t.equal(second.worker, w1, 'then slot 1')
  const router0 = await w0!.createRouter({ mediaCodecs: MEDIA_CODECS })
  const router1 = await w1!.createRouter({ mediaCodecs: MEDIA_CODECS })

  const died = once(pool, 'died')
  const restarted = once(pool, 'restarted')
  process.kill(w0!.pid, 'SIGKILL')
  const [slot, reason] = await died
  t.equal(slot, 0)
  t.match(reason, /SIGKILL/)
  t.ok(router0.closed, "the dead worker's router is closed (its room resumes elsewhere)")
  const [, replacement] = await restarted
  t.not(replacement.pid, w0!.pid, 'a new process')
  t.equal(pool.workers[0], replacement)
  t.ok((await replacement.getResourceUsage()).ru_maxrss > 0, 'the replacement answers')
  t.notOk(router1.closed, 'the other worker kept its router')
  t.equal(pool.workers[1], w1)
  // The dead worker's late release must not disturb the replacement's count.
  first.release()
  const third = await pool.acquire()
  t.equal(third.worker, replacement, 'the fresh worker carries no calls')
  const router = await replacement.createRouter({ mediaCodecs: MEDIA_CODECS })
  const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableSctp: false })
  const port = transport.iceCandidates[0]!.port
  t.ok(port >= 47000 && port <= 47049, `on slot 0's ports (${port})`)
})

t.test('a stuck worker is killed and replaced', async (t) => {
  const pool = await createWorkerPool({ ...OPTS, workers: 1 })
  t.teardown(() => pool.close())
  const w = pool.workers[0]!
  const router = await w.createRouter({ mediaCodecs: MEDIA_CODECS })
  const stuck = once(pool, 'stuck')
  const restarted = once(pool, 'restarted')
  process.kill(w.pid, 'SIGSTOP')
  t.same(await stuck, [0], 'the watchdog noticed')
  const [, replacement] = await restarted
  t.ok(router.closed, "the stuck worker's router is closed")
  t.not(replacement.pid, w.pid)
  t.throws(() => process.kill(w.pid, 0), 'the stopped process is gone')
  t.ok((await replacement.getResourceUsage()).ru_maxrss > 0)
})

t.test('a call waits for a restarting worker', async (t) => {
  const pool = await createWorkerPool({ ...OPTS, workers: 1 })
  t.teardown(() => pool.close())
  const w = pool.workers[0]!
  process.kill(w.pid, 'SIGKILL')
  await once(pool, 'died')
  t.equal(pool.workers[0], null, 'no live worker for now')
  const { worker } = await pool.acquire()
  t.not(worker, w)
  t.notOk(worker.closed)
})
