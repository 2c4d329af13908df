// The part of autocannon 9's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  namespace autocannon {
    type Context = Record<string, unknown>

    interface Request {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
      /** Called just before each send; return the request to send (null ends the sequence). */
      setupRequest?: (req: Request, context: Context) => Request | null | undefined
      /** Called when the response is complete, before autocannon records it. */
      onResponse?: (status: number, body: string, context: Context, headers: Record<string, string | string[]>) => void
    }

    interface Options {
      url: string
      connections?: number
      /** Seconds. */
      duration?: number
      /** Requests per second over all connections (each connection sends its share per 1 s tick). */
      overallRate?: number
      pipelining?: number
      /** Seconds before a request counts as timed out. */
      timeout?: number
      headers?: Record<string, string>
      requests?: Request[]
      ignoreCoordinatedOmission?: boolean
      excludeErrorStats?: boolean
    }

    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p90: number
      p99: number
      [percentile: string]: number
    }

    interface Result {
      duration: number
      errors: number
      timeouts: number
      non2xx: number
      resets: number
      mismatches: number
      '2xx': number
      statusCodeStats: Record<string, { count: number }>
      latency: Histogram & { totalCount: number }
      requests: Histogram & { sent: number }
      throughput: Histogram
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void
      on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void): this
      on(event: 'reqError', listener: (error: Error) => void): this
      on(event: string, listener: (...args: any[]) => void): this
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance
  export = autocannon
}
