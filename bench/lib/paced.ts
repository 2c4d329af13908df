// Open-loop load at evenly spaced arrivals: request i is due at start + i/rate, whatever happened to
// the earlier ones (up to `maxSockets` in flight; beyond that they wait in the agent's queue).
// Latency counts from the moment a request was due, so a slow server or a late client both show
// (no coordinated omission). This is what "p99 at N requests/s" means for independent clients;
// autocannon's fixed-rate mode (load.ts) instead sends each second's requests in bursts.
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { Failure, LoadRequest, LoadResult } from './load.ts'
import { summarize } from './stats.ts'

export interface PacedOptions {
  url: string
  /** Requests per second, evenly spaced. */
  rate: number
  durationSec: number
  next: () => LoadRequest
  /** Most requests in flight (keep-alive connections). */
  maxSockets?: number
  timeoutMs?: number
}

export async function runPaced(o: PacedOptions): Promise<LoadResult> {
  const { hostname, port } = new URL(o.url)
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 64 })
  const total = Math.round(o.rate * o.durationSec)
  const interval = 1000 / o.rate
  const samples: number[] = []
  const fireLag: number[] = []
  const kinds: string[] = []
  const failures: Failure[] = []
  const statusCodes: Record<string, number> = {}
  let errors = 0
  let timeouts = 0
  let non2xx = 0
  let settled = 0

  const start = performance.now() + 20
  let end = start
  await new Promise<void>((resolve) => {
    const done = () => {
      settled++
      if (settled === total) {
        end = performance.now()
        resolve()
      }
    }
    const fire = (due: number) => {
      fireLag.push(performance.now() - due)
      const r = o.next()
      const headers = { ...r.headers, ...(r.body ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) }
      const req = request({ agent, hostname, port, method: r.method, path: r.path, headers, timeout: o.timeoutMs ?? 10_000 }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => { body += d })
        res.on('end', () => {
          const status = res.statusCode ?? 0
          samples.push(performance.now() - due)
          kinds.push(r.kind)
          statusCodes[status] = (statusCodes[status] ?? 0) + 1
          if (status < 200 || status >= 300) {
            non2xx++
            if (failures.length < 5) failures.push({ kind: r.kind, status, body: body.slice(0, 500) })
          }
          done()
        })
      })
      let timedOut = false
      req.on('timeout', () => {
        timedOut = true
        timeouts++
        req.destroy(new Error('timeout'))
      })
      req.on('error', () => {
        if (!timedOut) errors++
        done()
      })
      req.end(r.body)
    }
    let i = 0
    const tick = () => {
      const now = performance.now()
      while (i < total && start + i * interval <= now) fire(start + i++ * interval)
      if (i < total) setTimeout(tick, Math.max(0, start + i * interval - performance.now()))
    }
    setTimeout(tick, 20)
  })
  agent.destroy()

  const perKind = new Map<string, number[]>()
  kinds.forEach((k, i) => {
    const list = perKind.get(k) ?? []
    list.push(samples[i]!)
    perKind.set(k, list)
  })
  const durationSec = (end - start) / 1000
  return {
    durationSec,
    completed: samples.length,
    rps: samples.length / durationSec,
    latency: summarize(samples),
    byKind: Object.fromEntries([...perKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, summarize(v)])),
    errors,
    timeouts,
    non2xx,
    statusCodes,
    failures,
    clientLagMs: summarize(fireLag),
  }
}
