// CPU and memory of processes from /proc: the box, its mediasoup workers and ffmpeg recorders, the
// load generators, and the machine as a whole (to see saturation and anybody else's load).
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

function conf(name: string, fallback: number) {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback
  } catch {
    return fallback
  }
}
const TICKS = conf('CLK_TCK', 100)
const PAGE = conf('PAGESIZE', 4096)

export interface ProcSample {
  pid: number
  ppid: number
  comm: string
  /** user + system CPU seconds so far. */
  cpuSeconds: number
  rssBytes: number
}

function parseStat(text: string, pid: number): ProcSample | null {
  const close = text.lastIndexOf(')')
  if (close < 0) return null
  const comm = text.slice(text.indexOf('(') + 1, close)
  const f = text.slice(close + 2).split(' ') // f[0] is field 3 (state)
  return { pid, ppid: Number(f[1]), comm, cpuSeconds: (Number(f[11]) + Number(f[12])) / TICKS, rssBytes: Number(f[21]) * PAGE }
}

export function readProc(pid: number): ProcSample | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), pid)
  } catch {
    return null // gone
  }
}

/** Every live process (pid, ppid, comm, cpu, rss). */
export function allProcs(): ProcSample[] {
  const out: ProcSample[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const p = readProc(Number(name))
    if (p) out.push(p)
  }
  return out
}

/** `root` and all its descendants. */
export function processTree(root: number, procs = allProcs()): ProcSample[] {
  const children = new Map<number, ProcSample[]>()
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p])
  const self = procs.find((p) => p.pid === root)
  if (!self) return []
  const out: ProcSample[] = []
  const walk = (p: ProcSample) => {
    out.push(p)
    for (const c of children.get(p.pid) ?? []) walk(c)
  }
  walk(self)
  return out
}

/** CPU seconds per thread name of one process (libwebrtc and libuv name their threads). */
export function threadsByName(pid: number): Record<string, number> {
  const out: Record<string, number> = {}
  let tids: string[] = []
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const t = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'), Number(tid))
      if (t) out[t.comm] = (out[t.comm] ?? 0) + t.cpuSeconds
    } catch {
      // thread ended
    }
  }
  return out
}

/** Busy and total CPU seconds of the whole machine (all cores) so far. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number) // user nice system idle iowait irq softirq steal
  const total = v.reduce((a, b) => a + b, 0)
  const idle = v[3]! + v[4]!
  return { busy: (total - idle) / TICKS, total: total / TICKS }
}
