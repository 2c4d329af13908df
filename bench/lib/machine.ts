// What a benchmark ran on: recorded next to every figure so numbers from different machines are
// never compared by mistake.
import { execFileSync } from 'node:child_process'
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
