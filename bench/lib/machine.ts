// What a benchmark ran on: recorded next to every figure so numbers from different machines are
// never compared by mistake.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, arch, loadavg, release, totalmem, type } from 'node:os'
import { ROOT } from './paths.ts'

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  os: string
  node: string
  date: string
  /** 1, 5 and 15 minute load averages when described: other work on the machine skews figures. */
  loadAverage: number[]
  gitCommit: string | null
  /** Uncommitted changes in the work tree when the benchmark ran. */
  gitDirty: boolean | null
}

function git(...args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function describeMachine(date = new Date()): Machine {
  const cpuList = cpus()
  const status = git('status', '--porcelain')
  return {
    cpu: cpuList[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    date: date.toISOString(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    gitCommit: git('rev-parse', 'HEAD'),
    gitDirty: status === null ? null : status.length > 0,
  }
}

export function machineLine(m: Machine): string {
  const commit = m.gitCommit ? `, commit ${m.gitCommit.slice(0, 10)}${m.gitDirty ? ' (uncommitted changes)' : ''}` : ''
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}${commit}; run ${m.date} (load average ${m.loadAverage.join(' / ')})`
}

export interface CpuAccount {
  /** Wall-clock seconds measured. */
  seconds: number
  /** Average CPU cores busy on the whole machine. */
  machineCores: number
  /** Of which the listed processes (e.g. the benchmark and the server), together... */
  oursCores: number
  /** ...and each, in the order given. */
  perProcessCores: number[]
  /** Of which everything else: above ~0.2 on a small machine, the figures are disturbed. */
  otherCores: number
}

function readTicks(file: string, pick: (fields: string[]) => number): number | null {
  try {
    return pick(readFileSync(file, 'utf8').split('\n')[0]!.trim().split(/\s+/))
  } catch {
    return null
  }
}
const machineBusyTicks = () =>
  readTicks('/proc/stat', (f) => [1, 2, 3, 6, 7, 8].reduce((sum, i) => sum + Number(f[i] ?? 0), 0))
const processTicks = (pid: number) => {
  try {
    // Fields after the command name: state is field 3, utime 14, stime 15.
    const after = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(/\s+/)
    return Number(after[11]) + Number(after[12])
  } catch {
    return null
  }
}

/**
 * Starts counting CPU time (Linux /proc): the machine's, and that of `pids`. The returned function
 * ends the count; null where /proc is unavailable. Assumes the usual 100 clock ticks per second.
 */
export function startCpuAccounting(pids: number[]): () => CpuAccount | null {
  const t0 = performance.now()
  const m0 = machineBusyTicks()
  const p0 = pids.map(processTicks)
  return () => {
    const m1 = machineBusyTicks()
    const p1 = pids.map(processTicks)
    if (m0 === null || m1 === null || p0.some((v) => v === null) || p1.some((v) => v === null)) return null
    const seconds = (performance.now() - t0) / 1000
    const HZ = 100
    const machine = (m1 - m0) / HZ / seconds
    const per = p1.map((v, i) => (v! - p0[i]!) / HZ / seconds)
    const ours = per.reduce((a, b) => a + b, 0)
    const r2 = (v: number) => Math.round(v * 100) / 100
    return {
      seconds: r2(seconds),
      machineCores: r2(machine),
      oursCores: r2(ours),
      perProcessCores: per.map(r2),
      otherCores: r2(Math.max(0, machine - ours)),
    }
  }
}
