// One mediasoup worker per core, each with its own slice of the RTC port range. New calls go to
// the worker carrying the fewest calls.
import { cpus } from 'node:os'
import * as mediasoup from 'mediasoup'
import type { types } from 'mediasoup'

export interface WorkerPoolOptions {
  workers: number // 0: one per core
  rtcMinPort: number
  rtcMaxPort: number
  onDied?: (worker: types.Worker, index: number) => void
}

export interface WorkerPool {
  /** The least loaded worker; the caller counts the call in with `acquire` and out with the returned release. */
  acquire(): { worker: types.Worker; release: () => void }
  readonly workers: readonly types.Worker[]
  close(): void
}

export async function createWorkerPool(opts: WorkerPoolOptions): Promise<WorkerPool> {
  const count = opts.workers > 0 ? opts.workers : cpus().length
  const span = Math.floor((opts.rtcMaxPort - opts.rtcMinPort + 1) / count)
  const workers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      mediasoup.createWorker({
        logLevel: 'warn',
        rtcMinPort: opts.rtcMinPort + i * span,
        rtcMaxPort: opts.rtcMinPort + (i + 1) * span - 1,
      }),
    ),
  )
  const load = workers.map(() => 0)
  workers.forEach((w, i) => w.on('died', () => opts.onDied?.(w, i)))
  return {
    workers,
    acquire() {
      const i = load.indexOf(Math.min(...load))
      load[i]!++
      let released = false
      return {
        worker: workers[i]!,
        release: () => {
          if (!released) load[i]!--
          released = true
        },
      }
    },
    close() {
      for (const w of workers) w.close()
    },
  }
}
