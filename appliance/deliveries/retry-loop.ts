// A background loop that runs one pass (deliver what is due) every pollMs, never two passes at once.
// Stopping waits for the running pass, so the database is not closed under it.
export interface RetryLoop {
  /** Run a pass soon instead of waiting for the next poll (after enqueuing something). */
  kick(): void
  stop(): Promise<void>
}

export function startRetryLoop(pollMs: number, pass: () => Promise<void>, onError: (err: unknown) => void): RetryLoop {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = false
  let again = false

  const run = () => {
    timer = undefined
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = pass().catch(onError).finally(() => {
      running = undefined
      if (stopped) return
      timer = setTimeout(run, again ? 0 : pollMs)
      again = false
    })
  }
  timer = setTimeout(run, 0)

  return {
    kick() {
      if (stopped) return
      if (running) again = true
      else {
        clearTimeout(timer)
        timer = setTimeout(run, 0)
      }
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
