// The one background loop behind every OCR reading of a still (plates, licence cards): the still's
// file is read off the request path, the OCR's outcome (or its stable error code) is handed to the
// caller's store, and a stopping box leaves the reading pending, to be redone at the next start.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isOcrErrorCode } from '../../models/errors.ts'

export type ReadOutcome<T> = { ok: true; value: T } | { ok: false; errorCode: string }

export interface BackgroundReadsDeps {
  dataDir: string
  log?: { warn(obj: object, msg: string): void } | undefined
}

export type BackgroundReads = ReturnType<typeof createBackgroundReads>

export function createBackgroundReads({ dataDir, log }: BackgroundReadsDeps) {
  const inFlight = new Set<Promise<void>>()
  let closed = false

  async function attempt<T>(what: string, evidenceId: string, filePath: string, read: (bytes: Buffer) => Promise<T>): Promise<ReadOutcome<T>> {
    try {
      return { ok: true, value: await read(await readFile(join(dataDir, filePath))) }
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (isOcrErrorCode(code)) return { ok: false, errorCode: code }
      log?.warn({ err, evidenceId }, `${what} failed unexpectedly`)
      return { ok: false, errorCode: 'OCR_WORKER_FAILED' }
    }
  }

  return {
    /**
     * Reads the still in the background and hands the outcome to `store` (which writes it with its
     * audit entry in one transaction). Never rejects: every failure ends up on the reading itself.
     */
    run<T>(what: string, evidenceId: string, filePath: string, read: (bytes: Buffer) => Promise<T>, store: (outcome: ReadOutcome<T>) => void): void {
      if (closed) return
      const p = attempt(what, evidenceId, filePath, read)
        .then((outcome) => {
          if (!closed) store(outcome)
        })
        .catch((err: unknown) => log?.warn({ err, evidenceId }, `${what} result not stored`))
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
    },

    /** Waits for the readings in flight (tests, shutdown); results arriving after this are not stored. */
    async close() {
      closed = true
      await Promise.all([...inFlight])
    },
  }
}
