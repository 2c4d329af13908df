// A sleep that an AbortSignal cuts short. The abort listener goes when the timer fires: the agent's
// loop sleeps twice a second for months on the same signal.
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => { clearTimeout(t); resolve() }
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
