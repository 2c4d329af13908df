// `npm run bench:media` — how many concurrent calls one box carries on this machine.
//
// The box runs as a child process (`appliance/main.ts`, one mediasoup worker per core, recording on).
// Load-generator processes (bench/media/load-host.ts) simulate the calls with @roamhq/wrtc peers
// driven by mediasoup-client, as the browser pages are: per call a citizen reports a case, joins it
// and publishes a synthetic camera (VP8, 640×360 at 15 fps, capped at 1 Mbps) and microphone (Opus),
// then seat01 accepts it, joins, consumes both and publishes a microphone — so the box forwards and
// records (ffmpeg) citizen video + audio and officer audio, exactly like a real call.
//
// First, BENCH_PROBES calls are set up one at a time on the idle box and hung up again, each accept
// timed to the first decoded video frame at the officer and the first decoded audio of the officer
// at the citizen (the ≤ 1 s target). Then calls are added in steps (1, 3, 5, 8, 10, 15, 20, 30, 45,
// 60). At each step, after a settling time, one measuring window samples: CPU and memory of the
// box's node process, its mediasoup workers and its ffmpeg recorders, of the load generators and of
// the whole machine (/proc); and per call the frame rate the citizen encoded and the officer decoded
// (getStats). The ramp's accepts are timed too, under the load of the calls already running. The
// ramp stops when a call delivers under 80% of the frame rate, when the box and the load generator
// saturate the CPU, or when the time budget runs out. Figures go to stdout,
// bench/results/media.json and the `media` section of BENCHMARKS.md.
//
// Knobs (environment): BENCH_PROBES idle-box accepts before the ramp (8), BENCH_STEPS
// (1,3,5,8,10,15,20,30,45,60), BENCH_SETTLE seconds before each window (8), BENCH_WINDOW seconds
// measured (10), BENCH_HOSTS load-generator processes (2), BENCH_WIDTH × BENCH_HEIGHT (640×360),
// BENCH_FPS (15), BENCH_KBPS video cap (1000), BENCH_CPU_LIMIT % of the machine used by box + load
// generator that counts as saturated (95), BENCH_BUDGET seconds for the ramp (480), BENCH_RECORD=0
// runs the box without recording, BENCH_NO_WRITE=1 prints only, BENCH_THREADS=1 prints per-thread
// CPU and every accept's timings.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBoxProcess, type BoxProcess } from './lib/box-process.ts'
import { login, mapPool } from './lib/http-client.ts'
import { describeMachine } from './lib/machine.ts'
import { ROOT } from './lib/paths.ts'
import { recordBenchmark, textTable, type Column, type FigureRow } from './lib/record.ts'
import { percentile, round } from './lib/stats.ts'
import { allProcs, machineCpu, processTree, readProc, threadsByName, type ProcSample } from './media/proc.ts'
import type { AcceptTiming, CallCounters, HostCommand, HostInit, HostReply, HostRequest } from './media/protocol.ts'

const TARGET = { calls: 60, firstFrameMs: 1000 }
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`)
  return v
}
const STEPS = (process.env.BENCH_STEPS ?? '1,3,5,8,10,15,20,30,45,60').split(',').map(Number).filter((n) => n > 0)
const SETTLE = num('BENCH_SETTLE', 8)
const WINDOW = num('BENCH_WINDOW', 10)
const HOSTS = num('BENCH_HOSTS', 2)
const PROBES = Number(process.env.BENCH_PROBES ?? 8)
const VIDEO = { width: num('BENCH_WIDTH', 640), height: num('BENCH_HEIGHT', 360), fps: num('BENCH_FPS', 15), maxBitrate: num('BENCH_KBPS', 1000) * 1000 }
const CPU_LIMIT = num('BENCH_CPU_LIMIT', 95)
const BUDGET = num('BENCH_BUDGET', 480)
const RECORD = process.env.BENCH_RECORD !== '0'
const NO_WRITE = process.env.BENCH_NO_WRITE === '1'
/** A call keeps up when the officer decodes at least this share of the nominal frame rate. */
const KEEP_UP = 0.8

// ---------------------------------------------------------------------------------------------
// Load-generator processes

class Host {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  private exited = false
  readonly done: Promise<void>

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: HostReply) => {
      const p = this.pending.get(m.reqId)
      if (!p) return
      this.pending.delete(m.reqId)
      if (m.ok) p.resolve(m.data)
      else p.reject(new Error(m.error))
    })
    this.done = new Promise((resolve) => child.once('exit', () => {
      this.exited = true
      for (const p of this.pending.values()) p.reject(new Error(`load generator ${child.pid} exited`))
      resolve()
    }))
  }

  get pid() {
    return this.child.pid!
  }

  request<T = any>(cmd: HostRequest): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`load generator ${this.pid} is gone`))
    const reqId = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject })
      this.child.send({ ...cmd, reqId } as HostCommand)
    })
  }

  async stop() {
    if (this.exited) return
    if (this.child.connected) this.child.disconnect() // the host drops its peers and exits
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await this.done
    clearTimeout(timer)
  }
}

function startHost(): Host {
  const child = fork(join(ROOT, 'bench', 'media', 'load-host.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Host(child)
}

// ---------------------------------------------------------------------------------------------
// CPU and memory

type Group = 'node' | 'worker' | 'ffmpeg' | 'boxOther' | 'generator' | 'bench'
const GROUPS: Group[] = ['node', 'worker', 'ffmpeg', 'boxOther', 'generator', 'bench']

interface Snapshot {
  at: number
  procs: Map<number, ProcSample & { group: Group }>
  machine: { busy: number; total: number }
  threads: Record<string, Record<string, number>>
}

/** Processes of the box (every descendant, whatever it is) seen so far, for the last-resort cleanup. */
const boxDescendants = new Map<number, string>()

function snapshot(box: BoxProcess, hosts: Host[]): Snapshot {
  const all = allProcs()
  const procs = new Map<number, ProcSample & { group: Group }>()
  for (const p of processTree(box.pid, all)) {
    const group: Group = p.pid === box.pid ? 'node' : p.comm.startsWith('mediasoup-worke') ? 'worker' : p.comm === 'ffmpeg' ? 'ffmpeg' : 'boxOther'
    procs.set(p.pid, { ...p, group })
    if (p.pid !== box.pid) boxDescendants.set(p.pid, p.comm)
  }
  for (const h of hosts) for (const p of processTree(h.pid, all)) procs.set(p.pid, { ...p, group: 'generator' })
  const self = readProc(process.pid)
  if (self) procs.set(self.pid, { ...self, group: 'bench' })
  const threads: Snapshot['threads'] = { node: threadsByName(box.pid) }
  hosts.forEach((h, i) => (threads[`generator${i + 1}`] = threadsByName(h.pid)))
  return { at: performance.now(), procs, machine: machineCpu(), threads }
}

interface Usage {
  /** % of one core, per group, over the window. */
  cpu: Record<Group, number>
  machineBusyPct: number // % of all cores
  otherPct: number // % of one core used by processes that are neither the box nor the benchmark
  rssMiB: Record<Group, number>
  ffmpegCount: number
  workerCount: number
  threads: Record<string, Record<string, number>>
}

function usage(a: Snapshot, b: Snapshot, cores: number): Usage {
  const secs = (b.at - a.at) / 1000
  const cpu = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<Group, number>
  const rssMiB = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<Group, number>
  for (const p of b.procs.values()) {
    const before = a.procs.get(p.pid)?.cpuSeconds ?? 0 // started in the window: all of its time
    cpu[p.group] += ((p.cpuSeconds - before) / secs) * 100
    rssMiB[p.group] += p.rssBytes / 2 ** 20
  }
  const machineBusy = (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)
  const ours = GROUPS.reduce((s, g) => s + cpu[g], 0)
  const threads: Usage['threads'] = {}
  for (const [k, t] of Object.entries(b.threads)) {
    const before = a.threads[k] ?? {}
    threads[k] = Object.fromEntries(
      Object.entries(t).map(([name, s]) => [name, round(((s - (before[name] ?? 0)) / secs) * 100)] as const).filter(([, v]) => v >= 0.5).sort((x, y) => y[1] - x[1]),
    )
  }
  const vals = [...b.procs.values()]
  return {
    cpu,
    machineBusyPct: machineBusy * 100,
    otherPct: Math.max(0, machineBusy * cores * 100 - ours),
    rssMiB,
    ffmpegCount: vals.filter((p) => p.group === 'ffmpeg').length,
    workerCount: vals.filter((p) => p.group === 'worker').length,
    threads,
  }
}

function dirBytes(dir: string): number {
  let total = 0
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    return 0
  }
  for (const n of names) {
    const p = join(dir, n)
    try {
      const s = statSync(p)
      total += s.isDirectory() ? dirBytes(p) : s.size
    } catch {
      // segment rotated away
    }
  }
  return total
}

// ---------------------------------------------------------------------------------------------
// The ramp

interface PerCall {
  call: number
  sentFps: number
  deliveredFps: number
  sentKbps: number
  receivedKbps: number
  resolution: string
  qualityLimitation: string
  officerAudioPps: number
  citizenAudioPps: number
  lostPackets: number
  encodeMsPerFrame: number
  decodeMsPerFrame: number
}

function perCall(a: CallCounters[], b: CallCounters[]): PerCall[] {
  const before = new Map(a.map((c) => [c.call, c]))
  return b.flatMap((e) => {
    const s = before.get(e.call)
    if (!s) return []
    const secs = (e.at - s.at) / 1000
    const frames = e.framesEncoded - s.framesEncoded
    const decoded = e.framesDecoded - s.framesDecoded
    return [{
      call: e.call,
      sentFps: frames / secs,
      deliveredFps: decoded / secs,
      sentKbps: ((e.videoBytesSent - s.videoBytesSent) * 8) / secs / 1000,
      receivedKbps: ((e.videoBytesReceived - s.videoBytesReceived) * 8) / secs / 1000,
      resolution: `${e.recvWidth}×${e.recvHeight}`,
      qualityLimitation: e.qualityLimitation,
      officerAudioPps: (e.audioPacketsReceivedOfficer - s.audioPacketsReceivedOfficer) / secs,
      citizenAudioPps: (e.audioPacketsReceivedCitizen - s.audioPacketsReceivedCitizen) / secs,
      lostPackets: e.videoPacketsLost - s.videoPacketsLost,
      encodeMsPerFrame: frames > 0 ? ((e.encodeSeconds - s.encodeSeconds) * 1000) / frames : NaN,
      decodeMsPerFrame: decoded > 0 ? ((e.decodeSeconds - s.decodeSeconds) * 1000) / decoded : NaN,
    }]
  })
}

const median = (xs: number[]) => percentile(Float64Array.from(xs).sort(), 0.5)
const min = (xs: number[]) => (xs.length ? Math.min(...xs) : NaN)
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN)
const mode = (xs: string[]) => {
  const n = new Map<string, number>()
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1)
  return [...n.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => (v === xs.length ? k : `${k} (${v})`)).slice(0, 2).join(', ')
}

interface StepResult {
  calls: number
  usage: Usage
  perCall: PerCall[]
  accepts: AcceptTiming[]
  recordingKbps: number
  generatorErrors: string[]
  keepsUp: boolean
  saturated: boolean
}

async function hostStats(hosts: Host[]) {
  const replies = await Promise.all(hosts.map((h) => h.request<{ calls: CallCounters[]; errors: string[] }>({ op: 'stats' })))
  return { calls: replies.flatMap((r) => r.calls), errors: replies.flatMap((r) => r.errors) }
}

async function main() {
  const machine = describeMachine()
  const cores = machine.cores
  console.log(`bench:media — ${machine.cpu}, ${cores} cores, load average ${machine.loadAverage.join(' / ')}`)
  const idle0 = machineCpu()
  await sleep(2000)
  const idle1 = machineCpu()
  const busyBefore = ((idle1.busy - idle0.busy) / (idle1.total - idle0.total)) * 100
  if (busyBefore > 15) console.warn(`warning: the machine is already ${Math.round(busyBefore)}% busy before the run; figures will be skewed`)
  const t0 = performance.now()
  // Recording is on by default; BENCH_RECORD=0 turns it off through a config file (env has no switch).
  const configDir = RECORD ? null : mkdtempSync(join(tmpdir(), 'kuaichu-bench-cfg-'))
  if (configDir) writeFileSync(join(configDir, 'config.json'), JSON.stringify({ media: { record: false } }))
  const box = await startBoxProcess({
    env: {
      KUAICHU_RATE_LIMIT_PER_MINUTE: '1000000',
      ...(configDir ? { KUAICHU_CONFIG: join(configDir, 'config.json') } : {}),
    },
  })
  const hosts: Host[] = []
  const killLeftovers = () => {
    for (const [pid, comm] of boxDescendants) {
      if (readProc(pid)?.comm === comm) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
  }
  // Know the box's children (ffmpeg outlives a killed parent) at all times, not just at snapshots.
  const trackTree = setInterval(() => {
    for (const p of processTree(box.pid)) if (p.pid !== box.pid) boxDescendants.set(p.pid, p.comm)
  }, 1000)
  trackTree.unref()
  process.on('exit', () => {
    for (const h of hosts) h.child.kill('SIGKILL')
    killLeftovers()
  })
  const steps: StepResult[] = []
  const probes: AcceptTiming[] = []
  let stopReason = `reached the last step (${STEPS[STEPS.length - 1]} calls)`
  try {
    console.log(`box ${box.url} (pid ${box.pid}), recording ${RECORD ? 'on' : 'off'}`)
    const officer = await login(box.url, 'seat01', box.accounts.seat01!.password)
    for (let i = 0; i < HOSTS; i++) hosts.push(startHost())
    const init: HostInit = { url: box.url, officerCookie: officer.cookie, video: VIDEO }
    const pids = await Promise.all(hosts.map((h) => h.request({ op: 'init', init })))
    console.log(`load generators: ${pids.map((p) => p.pid).join(', ')}; video ${VIDEO.width}×${VIDEO.height} @ ${VIDEO.fps} fps, ≤ ${VIDEO.maxBitrate / 1000} kbps`)
    const hostOf = (n: number) => hosts[n % hosts.length]!
    // Accept → first frame on an otherwise idle box: one call at a time, hung up after timing.
    for (let i = 0; i < PROBES; i++) {
      const n = 100_000 + i
      await hostOf(n).request({ op: 'citizen', call: n })
      await sleep(1500)
      const a = await hostOf(n).request<AcceptTiming>({ op: 'accept', call: n, timeoutMs: 10_000 })
      probes.push(a)
      if (process.env.BENCH_THREADS === '1') console.log(`  probe ${JSON.stringify(a)}`)
      await hostOf(n).request({ op: 'drop', call: n })
    }
    if (PROBES > 0) {
      const d = (k: 'officerFirstFrameMs' | 'citizenFirstAudioMs') => probes.map((a) => (a[k] === null ? 'none' : Math.round(a[k]!))).join(', ')
      console.log(`accept → first frame, idle box: officer video ${d('officerFirstFrameMs')} ms; citizen audio ${d('citizenFirstAudioMs')} ms`)
      await sleep(3000) // the probes' recorders stop
    }
    let calls = 0
    for (const target of STEPS) {
      if (target <= calls) continue
      if ((performance.now() - t0) / 1000 > BUDGET) {
        stopReason = `time budget (${BUDGET} s) used up before ${target} calls`
        break
      }
      // Citizens report and wait in the queue with camera and microphone on (as the phone page does).
      const fresh = Array.from({ length: target - calls }, (_, i) => calls + i)
      await mapPool(fresh, 4, (n) => hostOf(n).request({ op: 'citizen', call: n }))
      await sleep(1500)
      // The officer answers them one after another; each accept is timed to first media both ways.
      const accepts: AcceptTiming[] = []
      for (const n of fresh) {
        const a = await hostOf(n).request<AcceptTiming>({ op: 'accept', call: n, timeoutMs: 10_000 })
        accepts.push(a)
        if (process.env.BENCH_THREADS === '1') console.log(`  accept ${JSON.stringify(a)}`)
        calls = n + 1
      }
      process.stdout.write(`${target} calls up; settling ${SETTLE} s… `)
      await sleep(SETTLE * 1000)
      const recBefore = dirBytes(join(box.dataDir, 'recordings'))
      const [s0, c0] = [snapshot(box, hosts), await hostStats(hosts)]
      await sleep(WINDOW * 1000)
      const [s1, c1] = [snapshot(box, hosts), await hostStats(hosts)]
      const recAfter = dirBytes(join(box.dataDir, 'recordings'))
      const u = usage(s0, s1, cores)
      const pc = perCall(c0.calls, c1.calls)
      const keepsUp = pc.length === target && pc.every((c) => c.deliveredFps >= KEEP_UP * VIDEO.fps) && accepts.every((a) => a.officerFirstFrameMs !== null)
      // Saturated by our own processes (box + load generator); others' load is reported, not blamed.
      const ownPct = GROUPS.reduce((sum, g) => sum + u.cpu[g], 0) / cores
      const saturated = ownPct >= CPU_LIMIT
      const step: StepResult = {
        calls: target,
        usage: u,
        perCall: pc,
        accepts,
        recordingKbps: Math.max(0, ((recAfter - recBefore) * 8) / ((s1.at - s0.at) / 1000) / 1000),
        generatorErrors: [...c0.errors, ...c1.errors],
        keepsUp,
        saturated,
      }
      steps.push(step)
      const row = figureRow(step)
      console.log(`box ${row.boxCpu}% (node ${row.nodeCpu}, workers ${row.workerCpu}, ffmpeg ${row.ffmpegCpu}), generator ${row.genCpu}%, machine ${row.machinePct}% busy; delivered fps min/median ${row.fpsMin}/${row.fpsMedian} of sent ${row.sentFps}; first frame p50 ${row.firstFrameP50} ms`)
      if (process.env.BENCH_THREADS === '1') for (const [k, v] of Object.entries(u.threads)) console.log(`  ${k} threads: ${JSON.stringify(v)}`)
      for (const e of step.generatorErrors) console.error(`  generator: ${e}`)
      if (u.otherPct > 10) console.warn(`  warning: other processes used ${round(u.otherPct)}% of a core during the window; figures are skewed`)
      if (!keepsUp) {
        stopReason = `at ${target} calls a call delivered under ${KEEP_UP * 100}% of ${VIDEO.fps} fps (or got no first frame)`
        break
      }
      if (saturated) {
        stopReason = `the box and the load generator saturated the CPU at ${target} calls (${round(ownPct)}% of the machine ≥ ${CPU_LIMIT}%)`
        break
      }
    }
  } finally {
    // Peers leave first: the box stops each call's ffmpeg (SIGINT, segment closed), then the box stops.
    await Promise.all(hosts.map((h) => h.request({ op: 'close' }).catch(() => undefined)))
    for (let i = 0; i < 40 && processTree(box.pid).some((p) => p.comm === 'ffmpeg'); i++) await sleep(250)
    await Promise.all(hosts.map((h) => h.stop()))
    const exit = await box.stop()
    if (exit.code !== 0 && exit.signal !== 'SIGTERM') console.error(`box exited ${JSON.stringify(exit)}`)
    killLeftovers()
    clearInterval(trackTree)
    if (configDir) rmSync(configDir, { recursive: true, force: true })
  }
  report(steps, probes, stopReason, machine, (performance.now() - t0) / 1000, busyBefore)
}

// ---------------------------------------------------------------------------------------------
// Report

const r1 = (v: number) => (Number.isFinite(v) ? round(v) : null)

function figureRow(s: StepResult): FigureRow {
  const c = s.usage.cpu
  const fps = s.perCall.map((p) => p.deliveredFps)
  const first = s.accepts.map((a) => a.officerFirstFrameMs).filter((v): v is number => v !== null)
  const audio = s.accepts.map((a) => a.citizenFirstAudioMs).filter((v): v is number => v !== null)
  const boxRss = s.usage.rssMiB.node + s.usage.rssMiB.worker + s.usage.rssMiB.ffmpeg + s.usage.rssMiB.boxOther
  return {
    calls: s.calls,
    boxCpu: r1(c.node + c.worker + c.ffmpeg + c.boxOther),
    nodeCpu: r1(c.node),
    workerCpu: r1(c.worker),
    ffmpegCpu: r1(c.ffmpeg),
    genCpu: r1(c.generator + c.bench),
    otherCpu: r1(s.usage.otherPct),
    machinePct: r1(s.usage.machineBusyPct),
    boxRssMiB: Math.round(boxRss),
    ffmpegRssMiB: Math.round(s.usage.rssMiB.ffmpeg),
    recorders: s.usage.ffmpegCount,
    sentFps: r1(median(s.perCall.map((p) => p.sentFps))),
    fpsMin: r1(min(fps)),
    fpsMedian: r1(median(fps)),
    kbpsMedian: r1(median(s.perCall.map((p) => p.receivedKbps))),
    resolution: mode(s.perCall.map((p) => p.resolution)),
    recKbpsPerCall: r1(s.recordingKbps / s.calls),
    firstFrameP50: r1(median(first)),
    firstFrameMax: r1(max(first)),
    firstAudioP50: r1(median(audio)),
    firstAudioMax: r1(max(audio)),
    keepsUp: s.keepsUp,
  }
}

const COLUMNS: Column[] = [
  { key: 'calls', label: 'calls' },
  { key: 'boxCpu', label: 'box CPU %' },
  { key: 'nodeCpu', label: 'node %' },
  { key: 'workerCpu', label: 'workers %' },
  { key: 'ffmpegCpu', label: 'ffmpeg %' },
  { key: 'genCpu', label: 'load gen %' },
  { key: 'otherCpu', label: 'other %' },
  { key: 'machinePct', label: 'machine busy %' },
  { key: 'boxRssMiB', label: 'box RSS MiB' },
  { key: 'recorders', label: 'recorders' },
  { key: 'sentFps', label: 'sent fps' },
  { key: 'fpsMin', label: 'delivered fps min' },
  { key: 'fpsMedian', label: 'delivered fps median' },
  { key: 'kbpsMedian', label: 'video kbps' },
  { key: 'resolution', label: 'received' },
  { key: 'recKbpsPerCall', label: 'recorded kbps/call' },
  { key: 'firstFrameP50', label: 'accept→officer frame p50 ms' },
  { key: 'firstFrameMax', label: 'max' },
  { key: 'firstAudioP50', label: 'accept→citizen audio p50 ms' },
  { key: 'firstAudioMax', label: 'max' },
  { key: 'keepsUp', label: 'keeps up' },
]

function report(steps: StepResult[], probes: AcceptTiming[], stopReason: string, machine: ReturnType<typeof describeMachine>, seconds: number, busyBefore: number) {
  if (steps.length === 0) throw new Error('no step was measured')
  const figures = steps.map(figureRow)
  console.log(`\n${textTable(figures, COLUMNS)}\n`)
  const carried = [...steps].reverse().find((s) => s.keepsUp)
  // Steps where the machine still had idle CPU: there the load generator is not starved, so its
  // timings describe the box. Under saturation they mostly describe the starved generator.
  const calm = steps.filter((s) => s.usage.machineBusyPct < 90)
  const allFirst = steps.flatMap((s) => s.accepts)
  // The target is judged on the probe calls (idle box, one call at a time); the ramp's accepts show
  // the same under load.
  const calmFirst = probes.length ? probes : (calm.length ? calm : steps).flatMap((s) => s.accepts)
  const calmLabel = probes.length ? `on an idle box (${probes.length} calls set up one at a time, before the ramp)` : `with the machine not saturated (${calmFirst.length} accepts)`
  const dist = (accepts: AcceptTiming[], k: 'officerFirstFrameMs' | 'citizenFirstAudioMs') => {
    const xs = Float64Array.from(accepts.map((a) => a[k]).filter((v): v is number => v !== null)).sort()
    return { n: xs.length, missing: accepts.length - xs.length, p50: percentile(xs, 0.5), p95: percentile(xs, 0.95), max: xs.length ? xs[xs.length - 1]! : NaN, underTarget: xs.filter((v) => v <= TARGET.firstFrameMs).length }
  }
  const ff = dist(allFirst, 'officerFirstFrameMs')
  const fa = dist(allFirst, 'citizenFirstAudioMs')
  const cff = dist(calmFirst, 'officerFirstFrameMs')
  const cfa = dist(calmFirst, 'citizenFirstAudioMs')
  const last = steps[steps.length - 1]!
  const lastC = last.usage.cpu
  const share = (v: number) => `${Math.round(v)}%`
  const boxCpu = (s: StepResult) => s.usage.cpu.node + s.usage.cpu.worker + s.usage.cpu.ffmpeg + s.usage.cpu.boxOther
  const firstOk = cff.missing === 0 && cfa.missing === 0 && cff.max <= TARGET.firstFrameMs && cfa.max <= TARGET.firstFrameMs
  // What the box alone costs per call: at the largest step that kept up, and at the largest one that
  // also left the machine idle CPU (batching makes the cost per call fall as calls are added).
  const basis = carried ?? steps[0]!
  const calmBasis = [...calm].reverse().find((s) => s.keepsUp) ?? basis
  const bc = basis.usage.cpu
  const boxPerCall = boxCpu(basis) / basis.calls
  const calmPerCall = boxCpu(calmBasis) / calmBasis.calls
  const genPerCall = (bc.generator + bc.bench) / basis.calls
  const rss = basis.usage.rssMiB
  const projected = Math.floor((machine.cores * 100) / boxPerCall)
  const calmProjected = Math.floor((machine.cores * 100) / calmPerCall)
  const range = (a: number, b: number) => (a === b ? `${a}` : `${Math.min(a, b)}–${Math.max(a, b)}`)
  const ms = (d: ReturnType<typeof dist>) => `p50 ${Math.round(d.p50)} / p95 ${Math.round(d.p95)} / max ${Math.round(d.max)} ms, ${d.underTarget} of ${d.n + d.missing} within ${TARGET.firstFrameMs} ms`
  const summary = [
    `Target: ${TARGET.calls} concurrent calls on ${machine.cores} cores; accept → first decoded frame ≤ ${TARGET.firstFrameMs} ms on each side.`,
    carried
      ? `Carried on this machine: **${carried.calls} calls** with every call delivering ≥ ${KEEP_UP * 100}% of ${VIDEO.fps} fps (${carried.calls >= TARGET.calls ? '**met**' : '**not met**'}); the ramp stopped because ${stopReason}.`
      : `Carried: **no step kept up** (${stopReason}).`,
    `At ${last.calls} calls the box used ${share(boxCpu(last))} of one core (mediasoup workers ${share(lastC.worker)}, ffmpeg recorders ${share(lastC.ffmpeg)}, node ${share(lastC.node)}) and the load generator ${share(lastC.generator + lastC.bench)}, on a machine ${Math.round(last.usage.machineBusyPct)}% busy${genPerCall > boxPerCall ? ': the simulated phones and consoles (VP8 encode + decode per call), not the box, fill the machine first' : ''}.`,
    `Per call the box costs ${round(boxPerCall)}% of one core at ${basis.calls} calls (workers ${round(bc.worker / basis.calls)}%, ffmpeg ${round(bc.ffmpeg / basis.calls)}%, node ${round(bc.node / basis.calls)}%)${calmBasis !== basis ? ` and ${round(calmPerCall)}% at ${calmBasis.calls} calls with the machine not saturated` : ''}; the load generator ${round(genPerCall)}%. By CPU alone, a box with both cores to itself would carry about ${range(projected, calmProjected)} calls (linear extrapolation, **not measured**); ${TARGET.calls} calls would need about ${range(round((TARGET.calls * boxPerCall) / 100), round((TARGET.calls * calmPerCall) / 100))} cores at these costs. Box memory ${Math.round(rss.node + rss.worker + rss.ffmpeg + rss.boxOther)} MiB at ${basis.calls} calls, ffmpeg ${round(rss.ffmpeg / Math.max(1, basis.usage.ffmpegCount))} MiB each.`,
    `Accept → first frame ${calmLabel}: officer video ${ms(cff)}; citizen audio ${ms(cfa)} (${firstOk ? '**met**' : '**not met**'}). During the ramp (${allFirst.length} accepts while earlier calls ran, the later ones on a saturated machine): officer ${ms(ff)}; citizen ${ms(fa)}.`,
  ].join(' ')
  console.log(summary.replaceAll('**', ''))
  const stage = (k: keyof AcceptTiming) => Math.round(median(calmFirst.map((a) => a[k] as number).filter((v) => typeof v === 'number')))
  // Where a slow first frame lost its time: no video forwarded yet (waiting for a key frame), or video
  // arriving but not decodable until a later key frame.
  const ready = (a: AcceptTiming) => Math.max(a.joinedMs, a.officerTransportMs ?? 0)
  const slowFirst = calmFirst.filter((a) => a.officerFirstFrameMs === null || a.officerFirstFrameMs > TARGET.firstFrameMs)
  const noKeyFrame = slowFirst.filter((a) => a.officerFirstPacketMs === null || a.officerFirstPacketMs - ready(a) > 500)
  const undecodable = slowFirst.filter((a) => !noKeyFrame.includes(a))
  const spanOf = (xs: number[]) => (xs.length ? `${Math.round(min(xs))}–${Math.round(max(xs))} ms` : '—')
  const threads = basis.usage.threads
  const topThreads = (k: string) => Object.entries(threads[k] ?? {}).slice(0, 6).map(([n, v]) => `${n} ${v}%`).join(', ')
  const notes = [
    `Server: \`appliance/main.ts\` as a child process (demo mode, ${last.usage.workerCount} mediasoup workers = one per core, recording ${RECORD ? 'on: one ffmpeg per call copying citizen video + audio and officer audio into 10 s Matroska segments' : 'off'}, LOG_LEVEL=warn) on a fresh temp data dir. CPU % is of one core (${machine.cores * 100}% = the whole machine), from /proc over each ${WINDOW} s window after ${SETTLE} s of settling; RSS at the end of the window.`,
    `Each call: a citizen peer publishing VP8 ${VIDEO.width}×${VIDEO.height} at ${VIDEO.fps} fps (synthetic panning scene, sender capped at ${VIDEO.maxBitrate / 1000} kbps, so about ${VIDEO.maxBitrate / 1000} kbps once bandwidth estimation has ramped up) + Opus audio, and seat01's peer consuming both and publishing Opus audio back. Peers are @roamhq/wrtc 0.10 (libwebrtc M106) driven by mediasoup-client 3.18 (Chrome111 handler) over the box's own signalling, in ${HOSTS} load-generator processes (bench/media/load-host.ts).`,
    `The load generator runs on the same ${machine.cores} cores as the box: it encodes every citizen's video (VP8) and decodes it again at every officer, which costs far more CPU than forwarding it. Its share is shown separately ("load gen %", includes the benchmark process); "other %" is CPU used by anything else on the machine during the window. A real box only forwards and records, so the box's own columns are what scales with calls; the carried count is a lower bound set by this shared machine.`,
    `"sent fps" is what the citizens' encoders produced (getStats framesEncoded), "delivered fps" what each officer decoded (framesDecoded) over the window. A call keeps up when it delivers ≥ ${KEEP_UP * 100}% of ${VIDEO.fps} fps; the ramp stops at the first step where one does not, when the box and the load generator together use ≥ ${CPU_LIMIT}% of the machine, or after ${BUDGET} s.`,
    `Accept → first frame: from just before \`POST /api/cases/:id/accept\` (the citizen already waits in the call with camera on, as the phone page does) to the first decoded video frame at the officer (RTCVideoSink) and to the first decoded non-silent officer audio at the citizen (RTCAudioSink; the officer publishes only a microphone). Accepts are one at a time: first on the idle box, then during the ramp while the earlier calls run. Median stages from the accept (${probes.length ? 'idle-box calls' : 'unsaturated steps'}): reply ${stage('acceptHttpMs')} ms, officer socket open ${stage('socketOpenMs')} ms, receive transport connected (ICE + DTLS) ${stage('officerTransportMs')} ms, joined with both consumers resumed ${stage('joinedMs')} ms, first video packet ${stage('officerFirstPacketMs')} ms, first decoded frame ${stage('officerFirstFrameMs')} ms. ${calmFirst.length - slowFirst.length} of ${calmFirst.length} officers saw the first frame within ${TARGET.firstFrameMs} ms (consumers ready ≈ ${stage('joinedMs')} ms, frame a few hundred ms later).${slowFirst.length === 0 ? '' : ` Of the slow ones, ${noKeyFrame.length} got no video at all for ${spanOf(noKeyFrame.map((a) => (a.officerFirstPacketMs ?? TARGET.firstFrameMs * 10) - ready(a)))} after being ready (mediasoup forwards to a new consumer only from a key frame, and the citizen's key frame did not come), and ${undecodable.length} received video promptly but decoded nothing for ${spanOf(undecodable.map((a) => (a.officerFirstFrameMs ?? 0) - (a.officerFirstPacketMs ?? 0)))} while sending key-frame requests (PLI) of their own. Both waits are about a second, which fits mediasoup re-sending an unanswered key-frame request only after 1 s (KeyFrameRequestManager) while libwebrtc's encoder ignores requests within 300 ms of its previous key frame.`}`,
    `Where the CPU went at ${basis.calls} calls (% of one core): box — mediasoup workers ${round(bc.worker)}, ffmpeg ${round(bc.ffmpeg)}, node ${round(bc.node)}; load generator 1 by thread — ${topThreads('generator1') || 'n/a'} (EncoderQueue = VP8 encoding, DecodingQueue = VP8 decoding, AudioEncoder = Opus, PeerConnectionF / rtp_send_contro / TaskQueuePacedS = libwebrtc network, congestion control and pacing).`,
    `Machine ${Math.round(busyBefore)}% busy in the 2 s before the run; other processes used up to ${round(Math.max(...steps.map((s) => s.usage.otherPct)))}% of a core during the measuring windows ("other %").`,
    `"recorded kbps/call" is the growth of the recordings directory over the window per call (confirms every call is being recorded). Whole run ${Math.round(seconds)} s.`,
  ]
  if (NO_WRITE) return
  const written = recordBenchmark({
    name: 'media',
    title: 'Media: concurrent calls on one box',
    machine,
    summary,
    figures,
    columns: COLUMNS,
    notes,
    details: {
      target: TARGET,
      machineBusyBeforePct: round(busyBefore),
      options: { probes: PROBES, steps: STEPS, settleSec: SETTLE, windowSec: WINDOW, hosts: HOSTS, video: VIDEO, cpuLimitPct: CPU_LIMIT, record: RECORD, keepUpShare: KEEP_UP },
      stopReason,
      firstFrame: {
        idle: { officerVideoMs: mapRound(cff), citizenAudioMs: mapRound(cfa) },
        ramp: { officerVideoMs: mapRound(ff), citizenAudioMs: mapRound(fa) },
        probes: probes.map((a) => mapRound(a as unknown as Record<string, number | string | null>)),
      },
      perCall: {
        boxCpuPct: round(boxPerCall), basisCalls: basis.calls, projectedCallsOnDedicatedBox: projected,
        unsaturatedBoxCpuPct: round(calmPerCall), unsaturatedBasisCalls: calmBasis.calls, unsaturatedProjectedCalls: calmProjected,
        generatorCpuPct: round(genPerCall),
      },
      steps: steps.map((s) => ({
        calls: s.calls,
        keepsUp: s.keepsUp,
        saturated: s.saturated,
        usage: { ...s.usage, cpu: mapRound(s.usage.cpu), rssMiB: mapRound(s.usage.rssMiB), machineBusyPct: round(s.usage.machineBusyPct), otherPct: round(s.usage.otherPct) },
        recordingKbps: round(s.recordingKbps),
        accepts: s.accepts.map((a) => mapRound(a as unknown as Record<string, number | string | null>)),
        perCall: s.perCall.map((p) => mapRound(p as unknown as Record<string, number | string | null>)),
        generatorErrors: s.generatorErrors,
      })),
    },
  })
  console.log(`written: ${written.jsonPath}, ${written.markdownPath}`)
}

function mapRound<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? (Number.isFinite(v) ? round(v) : null) : v])) as T
}

main().catch((e: unknown) => {
  console.error(`\nbench:media FAILED: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
  process.exitCode = 1
})
