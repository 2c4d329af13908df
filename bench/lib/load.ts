// HTTP load with autocannon, with every response's latency kept exactly and attributed to the kind
// of request that produced it (autocannon itself keeps integer milliseconds, one histogram per run).
//
// How autocannon paces a fixed rate (`overallRate`): each connection gets rate/connections requests
// per 1 s tick and sends them back to back (one in flight per connection) as soon as the tick
// starts, then idles until the next tick. Load therefore arrives in bursts of `connections`
// concurrent requests at the top of each second; that is harsher than evenly spaced arrivals.
// Its coordinated-omission correction assumes a 1 ms interval in that mode and inserts synthetic
// samples (value-1, value-2, ... ms) for every response over 1 ms, so it is turned off here and the
// raw response times are reported.
import autocannon from 'autocannon'
import { summarize, type LatencySummary } from './stats.ts'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface LoadRequest {
  /** Label for the per-kind breakdown, e.g. 'queue' or 'case'. */
  kind: string
  method: Method
  path: string
  headers?: Record<string, string>
  body?: string
}

export interface LoadOptions {
  url: string
  connections: number
  durationSec: number
  /** Requests per second over all connections; omitted = as fast as the server answers. */
  overallRate?: number
  /** The next request to send; called once per request. */
  next: () => LoadRequest
  timeoutSec?: number
}

export interface Failure {
  kind: string
  status: number
  body: string
}

export interface LoadResult {
  durationSec: number
  completed: number
  /** Completed responses per second of the run. */
  rps: number
  latency: LatencySummary
  byKind: Record<string, LatencySummary>
  /** Connection errors, timeouts and non-2xx responses: a valid run has none. */
  errors: number
  timeouts: number
  non2xx: number
  statusCodes: Record<string, number>
  /** The first few non-2xx replies, for the error message. */
  failures: Failure[]
  /** Evenly paced runs: how late the client itself sent requests (its own event loop). */
  clientLagMs?: LatencySummary
  /** autocannon's own view (integer ms histogram), kept as a cross-check. */
  autocannon?: { p50: number; p90: number; p99: number; max: number; requestsPerSecondAverage: number }
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const samples: number[] = []
  const kinds: string[] = []
  const failures: Failure[] = []
  let lastKind = ''

  const request: autocannon.Request = {
    // Built just before the request is written, so the kind recorded belongs to this request.
    setupRequest: (req, context) => {
      const r = o.next()
      context.kind = r.kind
      return { ...req, method: r.method, path: r.path, headers: { ...r.headers }, body: r.body ?? Buffer.alloc(0) }
    },
    // Runs synchronously right before autocannon emits 'response' for the same request.
    onResponse: (status, body, context) => {
      lastKind = String(context.kind)
      if ((status < 200 || status >= 300) && failures.length < 5) failures.push({ kind: lastKind, status, body: body.slice(0, 500) })
    },
  }

  const instance = autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationSec,
    ...(o.overallRate ? { overallRate: o.overallRate } : {}),
    timeout: o.timeoutSec ?? 10,
    requests: [request],
    ignoreCoordinatedOmission: Boolean(o.overallRate),
  })
  instance.on('response', (_client, _status, _bytes, ms) => {
    samples.push(ms)
    kinds.push(lastKind)
  })
  const r = await instance

  const perKind = new Map<string, number[]>()
  kinds.forEach((k, i) => {
    const list = perKind.get(k) ?? []
    list.push(samples[i]!)
    perKind.set(k, list)
  })
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]))
  return {
    durationSec: r.duration,
    completed: samples.length,
    rps: samples.length / r.duration,
    latency: summarize(samples),
    byKind: Object.fromEntries([...perKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, summarize(v)])),
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes,
    failures,
    autocannon: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, requestsPerSecondAverage: r.requests.average },
  }
}
