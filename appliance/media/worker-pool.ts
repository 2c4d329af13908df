// One mediasoup worker per core, each with its own slice of the RTC port range. New calls go to
// the live worker carrying the fewest calls. A worker that dies (crash) or stops answering (stuck:
// a periodic resource-usage request times out, then it is killed) is replaced on the same ports;
// its routers close with it, which tells the rooms on it to have their calls resume.
import { EventEmitter, once } from 'node:events'
import { cpus } from 'node:os'
import * as mediasoup from 'mediasoup'
import type { types } from 'mediasoup'
import { AppError } from '../errors.ts'

export interface WorkerPoolOptions {
  workers: number // 0: one per core
  rtcMinPort: number
  rtcMaxPort: number
  /** Every intervalMs each worker must answer a request within timeoutMs, or it is killed as stuck. */
  watchdog: { intervalMs: number; timeoutMs: number }
}

export type PoolEvents = {
  /** A worker process ended unexpectedly (or was killed as stuck); `slot` is its index. */
  died: [slot: number, reason: string]
  /** The slot's worker did not answer in time and is being killed. */
  stuck: [slot: number]
  /** A replacement worker is up in the slot. */
  restarted: [slot: number, worker: types.Worker]
}

export interface WorkerPool extends EventEmitter<PoolEvents> {
  /**
   * The least loaded live worker (waiting for a restart when none is live); the caller counts the
   * call in with `acquire` and out with the returned release.
   */
  acquire(): Promise<{ worker: types.Worker; release: () => void }>
  /** The live workers by slot (null while a slot restarts). */
  readonly workers: ReadonlyArray<types.Worker | null>
  close(): void
}

interface Slot {
  worker: types.Worker | null
  load: number
}

const RESTART_RETRY_MS = 1000
/** How long a new call waits for a worker when every one is restarting. */
const RESTART_WAIT_MS = 10_000

export async function createWorkerPool(opts: WorkerPoolOptions): Promise<WorkerPool> {
  const count = opts.workers > 0 ? opts.workers : cpus().length
  const span = Math.floor((opts.rtcMaxPort - opts.rtcMinPort + 1) / count)
  const events = new EventEmitter<PoolEvents>()
  let closed = false

  const spawn = (i: number) =>
    mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: opts.rtcMinPort + i * span,
      rtcMaxPort: opts.rtcMinPort + (i + 1) * span - 1,
    })

  // A slot object per worker generation: a late release from a dead worker's call cannot touch the
  // replacement's count.
  const slots: Slot[] = []
  const watch = (i: number, worker: types.Worker) => {
    const slot: Slot = { worker, load: 0 }
    slots[i] = slot
    worker.once('died', (err) => {
      slot.worker = null
      events.emit('died', i, err.message)
      void restart(i)
    })
  }

  async function restart(i: number) {
    while (!closed) {
      try {
        const worker = await spawn(i)
        if (closed) return worker.close()
        watch(i, worker)
        events.emit('restarted', i, worker)
        return
      } catch (err) {
        console.error(`mediasoup worker ${i} could not be restarted:`, err)
        await new Promise((r) => setTimeout(r, RESTART_RETRY_MS))
      }
    }
  }

  ;(await Promise.all(Array.from({ length: count }, (_, i) => spawn(i)))).forEach((w, i) => watch(i, w))

  const liveSlots = () => slots.filter((s) => s.worker && !s.worker.closed)

  const pending = new Set<types.Worker>()
  const watchdog = setInterval(() => {
    for (const [i, slot] of slots.entries()) {
      const worker = slot.worker
      if (!worker || pending.has(worker)) continue
      pending.add(worker)
      let answered = false
      const timer = setTimeout(() => {
        if (answered || worker.closed) return
        events.emit('stuck', i)
        // SIGKILL ends even a stopped process; mediasoup then reports the worker as died.
        try {
          process.kill(worker.pid, 'SIGKILL')
        } catch {
          // already gone: the 'died' path handles it
        }
      }, opts.watchdog.timeoutMs)
      worker
        .getResourceUsage()
        .catch(() => undefined)
        .finally(() => {
          answered = true
          clearTimeout(timer)
          pending.delete(worker)
        })
    }
  }, opts.watchdog.intervalMs)
  watchdog.unref()

  // A getter, not a copied value: slots change as workers are replaced.
  Object.defineProperty(events, 'workers', { get: () => slots.map((s) => s.worker) })
  return Object.assign(events as EventEmitter<PoolEvents> & Pick<WorkerPool, 'workers'>, {
    async acquire() {
      let live = liveSlots()
      if (live.length === 0) {
        await once(events, 'restarted', { signal: AbortSignal.timeout(RESTART_WAIT_MS) }).catch(() => undefined)
        live = liveSlots()
      }
      if (live.length === 0) throw new AppError('MEDIA_UNAVAILABLE')
      const slot = live.reduce((a, b) => (b.load < a.load ? b : a))
      slot.load++
      let released = false
      return {
        worker: slot.worker!,
        release: () => {
          if (!released) slot.load--
          released = true
        },
      }
    },
    close() {
      closed = true
      clearInterval(watchdog)
      for (const s of slots) s.worker?.close()
    },
  })
}
