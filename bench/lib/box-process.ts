// The real district box as a child process on a throw-away data directory, so that the load
// generator never shares the server's event loop. Killed on stop, and on any exit of the parent.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ROOT } from './paths.ts'

export interface DemoAccount {
  username: string
  password: string
  role: string
  displayName: string
}

export interface BoxProcess {
  url: string
  dataDir: string
  pid: number
  /** Demo officer accounts by username (from <dataDir>/demo-accounts.json). */
  accounts: Record<string, DemoAccount>
  /** Everything the server printed so far (stdout and stderr). */
  output(): string
  /** SIGTERM (the box closes cleanly, so --cpu-prof files get written), SIGKILL after a grace period. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface BoxProcessOptions {
  /** Extra environment (e.g. KUAICHU_RATE_LIMIT_PER_MINUTE). */
  env?: Record<string, string>
  /** Extra node flags before the entry point, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[]
  /** Keep the data directory after stop (default: removed). */
  keepDataDir?: boolean
  startTimeoutMs?: number
}

let signalsHandled = false
/** Ctrl-C or a kill of the benchmark runs the 'exit' hooks (which kill the box) instead of dying silently. */
function exitOnSignals() {
  if (signalsHandled) return
  signalsHandled = true
  process.once('SIGINT', () => process.exit(130))
  process.once('SIGTERM', () => process.exit(143))
}

export async function startBoxProcess(options: BoxProcessOptions = {}): Promise<BoxProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kuaichu-bench-'))
  const env: NodeJS.ProcessEnv = { ...process.env }
  // A clean server: none of this process's loaders, none of the operator's config.
  for (const k of ['NODE_OPTIONS', 'KUAICHU_CONFIG', 'KUAICHU_REGISTRY_URL']) delete env[k]
  Object.assign(env, {
    KUAICHU_DATA_DIR: dataDir,
    KUAICHU_HOST: '127.0.0.1',
    KUAICHU_PORT: '0',
    // The load generators speak plain HTTP/WS; TLS is measured by nothing here.
    KUAICHU_TLS: 'off',
    LOG_LEVEL: 'warn',
    ...options.env,
  })
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'appliance/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d })
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      resolve(exit)
    })
  })
  const removeDataDir = () => {
    if (options.keepDataDir) return
    try {
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    } catch (e) {
      console.warn(`could not remove ${dataDir}: ${(e as Error).message}`)
    }
  }
  // Last resort: never leave the server (or its data) behind a crashed or interrupted benchmark.
  const killOnExit = () => {
    if (exit === null) child.kill('SIGKILL')
    removeDataDir()
  }
  process.on('exit', killOnExit)
  exitOnSignals()

  const cleanup = () => {
    process.off('exit', killOnExit)
    removeDataDir()
  }
  const stop = async () => {
    if (exit === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    cleanup()
    return exit!
  }

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000)
    let url: string | null = null
    while (url === null) {
      if (exit !== null) throw new Error(`box exited during start (${JSON.stringify(exit)}):\n${out}`)
      if (Date.now() > deadline) throw new Error(`box did not print its address in time:\n${out}`)
      url = /on (http:\/\/[0-9.]+:[0-9]+)/.exec(out)?.[1] ?? null
      if (url === null) await sleep(50)
    }
    for (;;) {
      if (exit !== null) throw new Error(`box exited during start (${JSON.stringify(exit)}):\n${out}`)
      if (Date.now() > deadline) throw new Error(`${url}/api/health did not answer in time:\n${out}`)
      const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false)
      if (ok) break
      await sleep(50)
    }
    const list = JSON.parse(readFileSync(join(dataDir, 'demo-accounts.json'), 'utf8')) as DemoAccount[]
    return {
      url,
      dataDir,
      pid: child.pid!,
      accounts: Object.fromEntries(list.map((a) => [a.username, a])),
      output: () => out,
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}
