// Real processes for sync tests and the benchmark: a box's data (real case service, real SQLite,
// evidence files on disk), a city platform child process and a sync agent child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CONFIG, validateConfig } from '../../firmware-config/config.ts'
import { createCaseService } from '../../appliance/cases/case-service.ts'
import { openDb } from '../../appliance/db/open.ts'
import { storeEvidenceBytes } from '../../appliance/evidence/file-store.ts'
import { createRegistryClient } from '../../appliance/registry/client.ts'
import { enrolBox, readEnrolment, writeEnrolment } from '../../provisioning/box-client.ts'
import { loadOrCreateNodeIdentity, PUBLIC_KEY_FILE } from '../../provisioning/node-identity.ts'
import { Client } from '../../provisioning/platform/test-platform.ts'

const ROOT = join(import.meta.dirname, '..', '..')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    }).on('error', reject)
  })
}

/** A box's data directory written by the real case service (no HTTP server: the agent reads the files). */
export function boxData(dataDir: string, districtId = 'jinjiang') {
  const config = validateConfig({ ...DEFAULT_CONFIG, dataDir, district: { ...DEFAULT_CONFIG.district, id: districtId } })
  const db = openDb(join(dataDir, 'kuaichu.db'))
  // The registry is never asked: these cases are reported, given evidence and cancelled.
  const cases = createCaseService({ db, config, registry: createRegistryClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 100 }), now: () => new Date() })
  const identity = loadOrCreateNodeIdentity(join(dataDir, 'identity'))
  let n = 0
  return {
    db,
    identity,
    publicKeyPem: readFileSync(join(dataDir, 'identity', PUBLIC_KEY_FILE), 'utf8'),
    /** One case: report, evidence files of the given sizes, cancel. Returns its id. */
    addCase(fileSizes: number[] = []): string {
      n++
      const { caseId } = cases.report({ lat: 30.65 + n * 1e-5, lng: 104.08, phone: '13800000000' })
      for (const [i, size] of fileSizes.entries()) {
        const stored = storeEvidenceBytes(dataDir, caseId, randomBytes(size), i === fileSizes.length - 1 && fileSizes.length > 1 ? 'mkv' : 'jpg')
        cases.addEvidence(caseId, { type: 'system', id: 'test' }, {
          kind: i === fileSizes.length - 1 && fileSizes.length > 1 ? 'recording' : 'still',
          filePath: stored.filePath,
          sha256: stored.sha256,
          sizeBytes: stored.sizeBytes,
          capturedAt: new Date().toISOString(),
          capturedBy: 'test',
        })
      }
      cases.cancel(caseId, { type: 'system', id: 'test' })
      return caseId
    },
    outboxHead: () => db.$client.prepare('SELECT coalesce(max(seq), 0) FROM outbox').pluck().get() as number,
    close: () => db.$client.close(),
  }
}

export interface Child {
  proc: ChildProcess
  output: string[]
  /** Resolves with the first output line matching. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>
  kill(signal?: NodeJS.Signals): Promise<void>
}

function child(args: string[], env: Record<string, string>): Child {
  // node itself, not the tsx wrapper: SIGKILL must hit the process that does the work.
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = []
  const onLine = (line: string) => {
    output.push(line)
    for (const w of [...waiters]) if (w.re.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
  }
  for (const stream of [proc.stdout!, proc.stderr!]) {
    let buf = ''
    stream.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop()!
      lines.forEach(onLine)
    })
  }
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  return {
    proc,
    output,
    waitFor(re, timeoutMs = 60_000) {
      const seen = output.find((l) => re.test(l))
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${output.slice(-20).join('\n')}`)), timeoutMs)
        waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l) } })
      })
    },
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      await exited
    },
  }
}

export const ADMIN_PASSWORD = 'test-admin-password-0123456789'

export async function startPlatform(dataDir: string, port: number): Promise<Child & { url: string }> {
  // Started as `npm run platform` starts it (the old-generation floor: provisioning/README.md).
  const c = child(['--initial-old-space-size=128', 'provisioning/platform/platform-main.ts'], {
    KUAICHU_PLATFORM_DATA_DIR: dataDir,
    KUAICHU_PLATFORM_PORT: String(port),
    KUAICHU_PLATFORM_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })
  await c.waitFor(/city platform listening/)
  return Object.assign(c, { url: `http://127.0.0.1:${port}` })
}

/** The sync agent of a box data dir (it takes its box id from the enrolment when there is one). */
export function startAgent(boxDataDir: string, platformUrl: string, extraEnv: Record<string, string> = {}): Child {
  return child(['sync/agent/main.ts'], { KUAICHU_DATA_DIR: boxDataDir, KUAICHU_PLATFORM_URL: platformUrl, ...extraEnv })
}

// Admin sessions survive a platform restart (they live in its store): one login per platform.
const adminClients = new Map<string, Client>()

export async function admin(platformUrl: string, method: string, path: string, body?: unknown) {
  let client = adminClients.get(platformUrl)
  if (!client) {
    client = new Client(platformUrl)
    const login = await client.post('/api/fleet/admin/login', { username: 'admin', password: ADMIN_PASSWORD })
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`)
    adminClients.set(platformUrl, client)
  }
  return client.call(method, path, body)
}

/**
 * The box reaches its platform through `url` from now on (a proxy standing for the network
 * between them): the enrolment names the platform the agent talks to.
 */
export function routeBoxVia(boxDataDir: string, url: string) {
  const keyDir = join(boxDataDir, 'identity')
  const enrolled = readEnrolment(keyDir)
  if (!enrolled) throw new Error(`${boxDataDir} is not enrolled`)
  writeEnrolment(keyDir, { ...enrolled, platformUrl: url })
}

/** Enrols a box data dir's key with the platform (one-time token, key proof); returns its box id. */
export async function enrolBoxData(platformUrl: string, boxDataDir: string, districtId = 'jinjiang'): Promise<string> {
  const token = await admin(platformUrl, 'POST', '/api/fleet/tokens', { districtId, boxUrl: `https://${districtId}.box.test` })
  if (token.status !== 201) throw new Error(`token refused: ${JSON.stringify(token.body)}`)
  const enrolled = await enrolBox({ platformUrl, token: token.body.token, keyDir: join(boxDataDir, 'identity') })
  return enrolled.boxId
}

export async function boxStatus(platformUrl: string, boxId: string) {
  const { body } = await admin(platformUrl, 'GET', '/api/platform/v1/status')
  return (body.boxes as Array<Record<string, any>>).find((b) => b.boxId === boxId)!
}

/** Polls until the platform has acknowledged `head` events and holds every evidence file. */
export async function waitDrained(platformUrl: string, boxId: string, head: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const s = await boxStatus(platformUrl, boxId).catch(() => undefined)
    if (s && s.ackedSeq >= head && s.evidenceMissing === 0) return s
    if (Date.now() > until) throw new Error(`not drained: ${JSON.stringify(s)} (head ${head})`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** A box's data and a registered platform process on a fixed port (it can be killed and restarted there). */
export async function startSyncRig(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-sync-kill-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const box = boxData(join(dir, 'box'))
  t.teardown(box.close)
  const port = await freePort()
  const platformDir = join(dir, 'platform')
  let platform = await startPlatform(platformDir, port)
  t.teardown(() => platform.kill())
  const boxId = await enrolBoxData(platform.url, join(dir, 'box'))
  return {
    dir,
    box,
    boxId,
    port,
    platformDir,
    platformUrl: platform.url,
    async restartPlatform() {
      await platform.kill('SIGKILL')
      platform = await startPlatform(platformDir, port)
    },
    killPlatform: () => platform.kill('SIGKILL'),
    async startPlatformAgain() {
      platform = await startPlatform(platformDir, port)
    },
  }
}
