// `npm run bench:api` — load on the officer queue and case routes of a real box.
//
// The box runs as a child process (its own event loop) on a fresh data directory, is filled over
// HTTP with a realistic district (hundreds of finished cases with parties, checks, determinations
// or dispatches, cases in progress, a waiting queue), then autocannon drives each scenario at a
// fixed 500 requests/s after a short warm-up, plus one run on the queue at maximum throughput.
// Any connection error, timeout or non-2xx reply fails the benchmark (exit code 1, nothing written).
// Figures go to stdout, bench/results/api.json and the `api` section of BENCHMARKS.md.
//
// Knobs (environment): BENCH_DURATION seconds per run (15), BENCH_WARMUP seconds (3),
// BENCH_CONNECTIONS (20), BENCH_HISTORY finished cases (300), BENCH_QUEUED waiting cases (20),
// BENCH_SCENARIOS comma list to run a subset (queue,case,queue-max,mixed; a subset is not recorded),
// BENCH_KEEP_DATA=1 keeps the box's data directory (to inspect the SQLite file afterwards),
// BENCH_SERVER_NODE_ARGS extra node flags for the server, e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/kuaichu-prof" to profile the box under load.
import { DEMO_RECORDS, type DemoRecord } from '../appliance/registry/demo-registry.ts'
import { startBoxProcess, type BoxProcess } from './lib/box-process.ts'
import { HttpClient, login, mapPool } from './lib/http-client.ts'
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.ts'
import { runPaced } from './lib/paced.ts'
import { describeMachine, startCpuAccounting, type CpuAccount } from './lib/machine.ts'
import { recordBenchmark, textTable, type Column, type FigureRow } from './lib/record.ts'
import { round } from './lib/stats.ts'
import { prng } from '../appliance/test-support/prng.ts'

const TARGET = { rps: 500, p99Ms: 20 }
/** CPU cores used by unrelated processes during a run above which its figures are flagged. */
const NOISE_CORES = 0.2
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`)
  return v
}
const DURATION = num('BENCH_DURATION', 15)
const WARMUP = num('BENCH_WARMUP', 3)
const CONNECTIONS = num('BENCH_CONNECTIONS', 20)
const HISTORY = num('BENCH_HISTORY', 300)
const QUEUED = num('BENCH_QUEUED', 20)
const ONLY = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean)

const rng = prng(20261126)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!

// ---------------------------------------------------------------------------------------------
// A realistic district, built through the public API

const STREETS = ['东大街下东大街段', '红星路三段', '春熙路', '总府路', '蜀都大道大慈寺路段', '锦华路一段', '三官堂街', '静安路', '牛市口路', '东风路', '水碾河路', '莲桂南路']
const phone = () => `1${pick(['3', '5', '7', '8', '9'])}${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`
const reportBody = () => ({
  location: { lat: 30.6574 + (rng() - 0.5) * 0.04, lng: 104.0806 + (rng() - 0.5) * 0.04, accuracyM: Math.round(5 + rng() * 30) },
  phone: phone(),
  ...(rng() < 0.6 ? { plate: pick(['川A12345', '川AD12345', '川A6R2S8', '川A9H3J1', '川A3B8C6']) } : {}),
  ...(rng() < 0.7 ? { address: `锦江区${pick(STREETS)}${1 + Math.floor(rng() * 300)}号附近` } : {}),
})

const R = DEMO_RECORDS
const FINE_PAIRS: Array<[DemoRecord, DemoRecord]> = [[R.validCar, R.validNewEnergy], [R.validNewEnergy, R.truck], [R.validCar, R.truck]]
const PROBLEM_PAIRS: Array<[DemoRecord, DemoRecord]> = [[R.validCar, R.uninsured], [R.expiredLicence, R.validNewEnergy], [R.validCar, R.stolenVehicle], [R.expiredInsurance, R.validCar]]

interface Officers {
  seat01: HttpClient
  seat02: HttpClient
  supervisor01: HttpClient
  field01: HttpClient
}

async function queuedCase(base: string): Promise<{ citizen: HttpClient; caseId: string }> {
  const citizen = new HttpClient(base)
  const r = await citizen.post<{ caseId: string; token: string }>('/api/citizen/reports', reportBody())
  citizen.bearer = r.token
  await citizen.post(`/api/citizen/cases/${r.caseId}/join`)
  return { citizen, caseId: r.caseId }
}

async function collected(base: string, seat: HttpClient, pair: [DemoRecord, DemoRecord]) {
  const { caseId } = await queuedCase(base)
  await seat.post(`/api/cases/${caseId}/accept`)
  for (const p of pair) {
    await seat.post(`/api/cases/${caseId}/parties`, {
      name: p.name,
      phone: phone(),
      licenceNumber: p.licenceNumber,
      vehicle: { vehicleType: p.vehicleType, ...(p.plate ? { plate: p.plate } : {}) },
    })
  }
  await seat.post(`/api/cases/${caseId}/evidence-complete`)
  return caseId
}

/** A case taken to its end: closed if eligible now (service hours apply), else dispatched and handed over. */
async function finishedCase(base: string, o: Officers, i: number): Promise<string> {
  if (i % 20 === 7) {
    const { citizen, caseId } = await queuedCase(base)
    await citizen.post(`/api/citizen/cases/${caseId}/cancel`)
    return caseId
  }
  const seat = i % 3 === 2 ? o.seat02 : o.seat01
  const caseId = await collected(base, seat, pick(i % 4 === 1 ? PROBLEM_PAIRS : FINE_PAIRS))
  await seat.post(`/api/cases/${caseId}/verify`)
  const v = await seat.post<{ state: string; parties: Array<{ id: string }>; dispatch: { id: string } | null }>(`/api/cases/${caseId}/eligibility`)
  if (v.state === 'eligible') {
    await seat.post(`/api/cases/${caseId}/determination`, {
      weather: pick(['晴', '阴', '小雨']),
      accidentType: pick(['追尾碰撞', '侧面刮擦', '倒车碰撞']),
      impactPoints: '甲车前部与乙车尾部',
      facts: '甲车在同车道行驶中未与前车保持安全距离，与乙车发生碰撞。',
      parties: v.parties.map((p, k) => ({ partyId: p.id, liability: k === 0 ? '全部' : '无' })),
    })
    await seat.post(`/api/cases/${caseId}/serve`)
    await o.supervisor01.post(`/api/cases/${caseId}/close`)
  } else {
    const d = await seat.post<{ dispatch: { id: string } }>(`/api/cases/${caseId}/dispatch`, { note: '请现场民警处理' })
    for (const status of ['assigned', 'en_route', 'on_scene', 'handed_over']) {
      await o.field01.patch(`/api/dispatches/${d.dispatch.id}`, { status })
    }
  }
  return caseId
}

interface District {
  caseIds: string[]
  states: Record<string, number>
  queueBytes: number
  queueWaiting: number
  queueMine: number
  seedSeconds: number
}

async function seedDistrict(box: BoxProcess, o: Officers): Promise<District> {
  const started = Date.now()
  const base = box.url
  const history = await mapPool(Array.from({ length: HISTORY }, (_, i) => i), 8, (i) => finishedCase(base, o, i))
  // In progress: seat01 has three open cases (the queue's "mine" list), seat02 two.
  const open = [
    await collected(base, o.seat01, FINE_PAIRS[0]!),
    await collected(base, o.seat01, FINE_PAIRS[1]!),
    await collected(base, o.seat02, FINE_PAIRS[2]!),
  ]
  await o.seat01.post(`/api/cases/${open[1]}/verify`)
  for (const seat of [o.seat01, o.seat02]) {
    const { caseId } = await queuedCase(base)
    await seat.post(`/api/cases/${caseId}/accept`)
    open.push(caseId)
  }
  // Reported but not yet on the waiting screen, then the waiting queue itself.
  const reported = await mapPool(Array.from({ length: 5 }), 4, async () => (await new HttpClient(base).post<{ caseId: string }>('/api/citizen/reports', reportBody())).caseId)
  const queued = (await mapPool(Array.from({ length: QUEUED }), 4, () => queuedCase(base))).map((q) => q.caseId)

  const all = await o.supervisor01.get<Array<{ state: string }>>('/api/cases')
  const states: Record<string, number> = {}
  for (const c of all) states[c.state] = (states[c.state] ?? 0) + 1
  const q = await o.seat01.call<{ waiting: unknown[]; mine: unknown[] }>('GET', '/api/queue')
  return {
    caseIds: [...history, ...open, ...reported, ...queued],
    states,
    queueBytes: JSON.stringify(q.body).length,
    queueWaiting: q.body.waiting.length,
    queueMine: q.body.mine.length,
    seedSeconds: (Date.now() - started) / 1000,
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Scenario {
  id: string
  title: string
  /** autocannon (fixed rate in per-second bursts, or max) or evenly paced open-loop arrivals. */
  mode: 'autocannon' | 'paced'
  rate: number | null
  durationSec: number
  next: () => LoadRequest
}

function scenarios(o: Officers, d: District): Scenario[] {
  const seatCookie = { cookie: o.seat01.cookie }
  const supCookie = { cookie: o.supervisor01.cookie }
  const queue = (): LoadRequest => ({ kind: 'GET /api/queue', method: 'GET', path: '/api/queue', headers: seatCookie })
  const caseRead = (): LoadRequest => ({ kind: 'GET /api/cases/:id', method: 'GET', path: `/api/cases/${pick(d.caseIds)}`, headers: supCookie })
  const report = (): LoadRequest => ({
    kind: 'POST /api/citizen/reports',
    method: 'POST',
    path: '/api/citizen/reports',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reportBody()),
  })
  const mixed = () => {
    const x = rng()
    return x < 0.45 ? queue() : x < 0.9 ? caseRead() : report()
  }
  const QUEUE = 'GET /api/queue (seat01)'
  const CASE = `GET /api/cases/:id (supervisor01, ${d.caseIds.length} ids)`
  const MIXED = 'mixed: 45% queue, 45% case, 10% POST /api/citizen/reports'
  const r = TARGET.rps
  const all: Scenario[] = [
    { id: 'queue', title: QUEUE, mode: 'autocannon', rate: r, durationSec: DURATION, next: queue },
    { id: 'queue-paced', title: QUEUE, mode: 'paced', rate: r, durationSec: DURATION, next: queue },
    { id: 'case', title: CASE, mode: 'autocannon', rate: r, durationSec: DURATION, next: caseRead },
    { id: 'case-paced', title: CASE, mode: 'paced', rate: r, durationSec: DURATION, next: caseRead },
    { id: 'queue-max', title: `${QUEUE}, max throughput`, mode: 'autocannon', rate: null, durationSec: Math.min(DURATION, 10), next: queue },
    // Last: their reports add cases (state `reported`, outside the queue) to the store.
    { id: 'mixed', title: MIXED, mode: 'autocannon', rate: r, durationSec: DURATION, next: mixed },
    { id: 'mixed-paced', title: MIXED, mode: 'paced', rate: r, durationSec: DURATION, next: mixed },
  ]
  return ONLY ? all.filter((s) => ONLY.includes(s.id)) : all
}

function run(s: Scenario, url: string, durationSec: number): Promise<LoadResult> {
  if (s.mode === 'paced') return runPaced({ url, rate: s.rate!, durationSec, next: s.next })
  return runLoad({ url, connections: CONNECTIONS, durationSec, ...(s.rate ? { overallRate: s.rate } : {}), next: s.next })
}

const loadText = (s: Scenario) =>
  s.mode === 'paced' ? 'evenly paced' : s.rate === null ? `autocannon, ${CONNECTIONS} conns, max` : `autocannon, ${CONNECTIONS} conns, bursts`

function assertClean(s: Scenario, r: LoadResult, phase: string) {
  if (r.errors === 0 && r.timeouts === 0 && r.non2xx === 0) return
  throw new Error(
    `${s.id} (${phase}): ${r.errors} connection errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx ` +
      `(status codes ${JSON.stringify(r.statusCodes)}); first failures:\n` +
      r.failures.map((f) => `  ${f.kind} → ${f.status} ${f.body}`).join('\n'),
  )
}

const targetMet = (s: Scenario, r: LoadResult) =>
  s.rate === null ? null : r.rps >= s.rate * 0.98 && r.latency.p99 <= TARGET.p99Ms

function figureRow(s: Scenario, r: LoadResult, cpu: CpuAccount | null): FigureRow {
  return {
    scenario: s.id,
    description: s.title,
    load: loadText(s),
    targetRps: s.rate,
    rps: round(r.rps),
    p50Ms: round(r.latency.p50),
    p90Ms: round(r.latency.p90),
    p99Ms: round(r.latency.p99),
    maxMs: round(r.latency.max),
    meanMs: round(r.latency.mean),
    requests: r.completed,
    errors: r.errors + r.timeouts + r.non2xx,
    targetMet: targetMet(s, r),
    boxCpuCores: cpu?.perProcessCores[1] ?? null,
    otherCpuCores: cpu?.otherCores ?? null,
  }
}

const COLUMNS: Column[] = [
  { key: 'description', label: 'scenario' },
  { key: 'load', label: 'load' },
  { key: 'targetRps', label: 'offered req/s' },
  { key: 'rps', label: 'achieved req/s' },
  { key: 'p50Ms', label: 'p50 ms' },
  { key: 'p90Ms', label: 'p90 ms' },
  { key: 'p99Ms', label: 'p99 ms' },
  { key: 'maxMs', label: 'max ms' },
  { key: 'requests', label: 'requests' },
  { key: 'errors', label: 'errors + non-2xx' },
  { key: 'targetMet', label: `p99 ≤ ${TARGET.p99Ms} ms at ${TARGET.rps} req/s` },
  { key: 'boxCpuCores', label: 'box CPU (cores)' },
  { key: 'otherCpuCores', label: 'other CPU (cores)' },
]

// ---------------------------------------------------------------------------------------------

async function main() {
  const machine = describeMachine()
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []
  console.log(`starting the box (child process${nodeArgs.length ? `, node ${nodeArgs.join(' ')}` : ''}) …`)
  const box = await startBoxProcess({
    env: { KUAICHU_RATE_LIMIT_PER_MINUTE: '100000000' },
    nodeArgs,
    keepDataDir: process.env.BENCH_KEEP_DATA === '1',
  })
  try {
    console.log(`box ${box.url} (pid ${box.pid}), data ${box.dataDir}`)
    const o: Officers = {
      seat01: await login(box.url, 'seat01', box.accounts.seat01!.password),
      seat02: await login(box.url, 'seat02', box.accounts.seat02!.password),
      supervisor01: await login(box.url, 'supervisor01', box.accounts.supervisor01!.password),
      field01: await login(box.url, 'field01', box.accounts.field01!.password),
    }
    console.log(`seeding ${HISTORY} finished cases, open cases and a queue of ${QUEUED} over HTTP …`)
    const d = await seedDistrict(box, o)
    console.log(
      `seeded in ${d.seedSeconds.toFixed(1)} s: ${JSON.stringify(d.states)}; seat01's queue: ` +
        `${d.queueWaiting} waiting, ${d.queueMine} mine, ${d.queueBytes} bytes`,
    )

    const results: Array<{ s: Scenario; r: LoadResult; cpu: CpuAccount | null }> = []
    for (const s of scenarios(o, d)) {
      process.stdout.write(`${s.id}: warm-up ${WARMUP} s, `)
      assertClean(s, await run(s, box.url, WARMUP), 'warm-up')
      process.stdout.write(`run ${s.durationSec} s at ${s.rate ?? 'max'} req/s (${loadText(s)}) … `)
      const account = startCpuAccounting([process.pid, box.pid])
      const r = await run(s, box.url, s.durationSec)
      const cpu = account()
      assertClean(s, r, 'run')
      console.log(`${round(r.rps)} req/s, p50 ${round(r.latency.p50)} ms, p99 ${round(r.latency.p99)} ms` +
        (cpu ? `; CPU cores: box ${cpu.perProcessCores[1]}, load generator ${cpu.perProcessCores[0]}, other processes ${cpu.otherCores}` : ''))
      if (cpu && cpu.otherCores > NOISE_CORES) console.warn(`  warning: other processes used ${cpu.otherCores} cores during this run; its figures are disturbed`)
      results.push({ s, r, cpu })
    }

    const figures = results.map(({ s, r, cpu }) => figureRow(s, r, cpu))
    const disturbed = results.filter(({ cpu }) => cpu && cpu.otherCores > NOISE_CORES).map(({ s }) => s.id)
    console.log(`\n${textTable(figures, COLUMNS)}\n`)
    const verdict = (mode: Scenario['mode'], label: string) => {
      const runs = results.filter(({ s }) => s.rate !== null && s.mode === mode)
      if (runs.length === 0) return null
      const failed = runs.filter(({ s, r }) => !targetMet(s, r))
      const fmt = ({ s, r }: (typeof runs)[number]) => `${s.id} p99 ${round(r.latency.p99)} ms at ${round(r.rps)} req/s`
      return failed.length === 0
        ? `${label}: **met** (worst ${fmt(runs.reduce((a, b) => (b.r.latency.p99 > a.r.latency.p99 ? b : a)))}).`
        : `${label}: **not met** — ${failed.map(fmt).join('; ')}.`
    }
    const summary = [
      `Target: p99 ≤ ${TARGET.p99Ms} ms at ${TARGET.rps} requests/s.`,
      verdict('autocannon', `autocannon at a fixed ${TARGET.rps} req/s (${CONNECTIONS} connections, per-second bursts)`),
      verdict('paced', `Evenly paced ${TARGET.rps} req/s (one request every ${1000 / TARGET.rps} ms)`),
      disturbed.length
        ? `⚠ Other processes used more than ${NOISE_CORES} CPU cores during ${disturbed.join(', ')}: those figures are disturbed; re-run on a quiet machine.`
        : null,
    ].filter(Boolean).join(' ')
    console.log(summary.replaceAll('**', ''))
    const perRoute = results.filter(({ s }) => s.id.startsWith('mixed')).map(({ s, r }) =>
      `${s.id} per route (p50 / p99 ms, n): ${Object.entries(r.byKind).map(([k, v]) => `${k} ${round(v.p50)} / ${round(v.p99)} (${v.count})`).join('; ')}.`)
    const notes = [
      `Server: \`appliance/main.ts\` as a child process (demo mode, embedded demo registry, LOG_LEVEL=warn, SQLite WAL with synchronous=FULL) on a fresh temp data dir; the load generator runs in the benchmark process on the same machine.`,
      `Data, built over HTTP before the runs: ${Object.entries(d.states).map(([k, v]) => `${v} ${k}`).join(', ')} ` +
        `(finished cases have 2 parties with registry checks, an eligibility result and a determination or a dispatch; seat01 answered about two thirds of them). seat01's queue reply: ${d.queueWaiting} waiting + ${d.queueMine} own open cases, ${d.queueBytes} bytes.`,
      `Each run: ${WARMUP} s warm-up (discarded), then ${DURATION} s measured (max-throughput run ${Math.min(DURATION, 10)} s). Latency is per response and exact (not bucketed).`,
      `autocannon's fixed rate sends each connection's share (${TARGET.rps / CONNECTIONS} req/s) back to back at the start of every second, so ${TARGET.rps} req/s arrives as bursts of ${CONNECTIONS} concurrent requests and latency there is roughly ${CONNECTIONS} × the server's time per request. Its coordinated-omission correction is off (in this mode it inserts synthetic 1 ms-step samples). Latency from write to last byte.`,
      `"Evenly paced" is an open-loop generator (bench/lib/paced.ts): request i is due at start + i × ${1000 / TARGET.rps} ms regardless of earlier replies, latency counted from the due time (keep-alive, up to 64 in flight).`,
      ...perRoute,
      `A fixed-rate run meets the rate at ≥ 98% of the offered requests/s. "box CPU": average cores used by the box process during the measured run (its JavaScript runs on one thread, so ~1.0 means saturated); "other CPU": cores used by processes other than the box and the benchmark (from /proc), a check that the machine was quiet.`,
    ]

    if (ONLY) {
      console.log('(subset of scenarios: BENCHMARKS.md and bench/results/api.json not written)')
      return
    }
    const written = recordBenchmark({
      name: 'api',
      title: 'API: officer queue and case reads',
      machine,
      summary,
      figures,
      columns: COLUMNS,
      notes,
      details: {
        target: TARGET,
        options: { connections: CONNECTIONS, durationSec: DURATION, warmupSec: WARMUP, history: HISTORY, queued: QUEUED },
        data: d.states,
        queueReply: { waiting: d.queueWaiting, mine: d.queueMine, bytes: d.queueBytes },
        seedSeconds: d.seedSeconds,
        runs: results.map(({ s, r, cpu }) => ({
          scenario: s.id,
          description: s.title,
          offeredRps: s.rate,
          durationSec: r.durationSec,
          completed: r.completed,
          rps: r.rps,
          latencyMs: r.latency,
          byKind: r.byKind,
          statusCodes: r.statusCodes,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          load: loadText(s),
          cpu,
          ...(r.clientLagMs ? { clientSendLagMs: r.clientLagMs } : {}),
          ...(r.autocannon ? { autocannonLatencyMs: r.autocannon } : {}),
        })),
      },
    })
    console.log(`written: ${written.jsonPath}, ${written.markdownPath}`)
  } finally {
    const exit = await box.stop()
    if (exit.code !== 0) console.error(`box exited ${JSON.stringify(exit)}:\n${box.output()}`)
  }
}

main().catch((e: unknown) => {
  console.error(`\nbench:api FAILED: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
})
