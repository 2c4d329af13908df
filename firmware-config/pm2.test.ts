// pm2 starts the whole box from the ecosystem file (the box, its fleet agent and its sync agent,
// enrolled with a real city platform), restarts a killed process, and the logs rotate; on a box
// with no platform both agents exit with the "not configured" code and stay stopped.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { EXIT_NOT_CONFIGURED } from './exit-codes.ts'
import { readAckRecord } from '../sync/agent/ack-record.ts'
import { admin, boxStatus, enrolBoxData, startPlatform } from '../sync/test-support/sync-rig.ts'

const ROOT = resolve(import.meta.dirname, '..')
const PM2 = join(ROOT, 'node_modules', '.bin', 'pm2')
const run = promisify(execFile)

const freePort = () => new Promise<number>((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number }
    s.close(() => done(port))
  })
})

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

interface Pm2Process {
  name: string
  pid: number
  pm2_env: { status: string; restart_time: number; exit_code?: number }
}

/** A private pm2 (PM2_HOME in a temp dir) with the box's configuration in `local`. */
function privatePm2(t: { teardown(fn: () => unknown): void; passing(): boolean; comment(...args: unknown[]): void }, local: Record<string, unknown>) {
  // A short path: pm2's unix sockets live in PM2_HOME and socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'kc-pm2-'))
  const dataDir = join(dir, 'data')
  const logDir = join(dir, 'logs')
  mkdirSync(logDir)
  const localFile = join(dir, 'local.json')
  writeFileSync(localFile, JSON.stringify({ ...local, dataDir }))
  const env: NodeJS.ProcessEnv = { ...process.env, PM2_HOME: join(dir, 'pm2'), KUAICHU_CONFIG: localFile, KUAICHU_LOG_DIR: logDir }
  for (const k of ['KUAICHU_DISTRICT_CONFIG', 'KUAICHU_PLATFORM_URL', 'KUAICHU_BOX_ID', 'KUAICHU_DATA_DIR']) delete env[k]
  delete env.NODE_OPTIONS // tap's loader hooks must not leak into the box
  const pm2 = (...args: string[]) => run(PM2, args, { env, cwd: ROOT, timeout: 60_000 })
  t.teardown(async () => {
    await pm2('kill')
    // A failure under pm2 is hard to reproduce: keep what the processes logged in the test output.
    if (!t.passing()) for (const f of readdirSync(logDir)) t.comment(`${f}:\n${readFileSync(join(logDir, f), 'utf8').split('\n').slice(-40).join('\n')}`)
    rmSync(dir, { recursive: true, force: true })
  })
  const list = async () => JSON.parse((await pm2('jlist')).stdout) as Pm2Process[]
  const find = async (name: string) => (await list()).find((p) => p.name === name)
  /** SIGKILLs a process and waits for pm2 to bring it back under a new pid. */
  const killAndWaitRestart = async (name: string) => {
    const before = (await find(name))!
    process.kill(before.pid, 'SIGKILL')
    return until(`pm2 to restart ${name}`, async () => {
      const p = await find(name)
      return p && p.pid > 0 && p.pid !== before.pid && p.pm2_env.status === 'online' ? p : undefined
    })
  }
  return { dir, dataDir, logDir, pm2, find, killAndWaitRestart }
}

t.test('pm2 runs the enrolled box with both agents and restarts a killed process', async (t) => {
  const port = await freePort()
  const rtc = 20000 + (port % 20000)
  const platformDir = mkdtempSync(join(tmpdir(), 'kc-pm2-platform-'))
  const platform = await startPlatform(platformDir, await freePort())
  t.teardown(async () => {
    await platform.kill()
    rmSync(platformDir, { recursive: true, force: true })
  })
  // Plain HTTP: this test is about pm2 (TLS would also bind the fixed redirect port).
  const box = privatePm2(t, {
    http: { host: '127.0.0.1', port },
    tls: { enabled: false },
    media: { workers: 1, rtcMinPort: rtc, rtcMaxPort: rtc + 99 },
    platform: { url: platform.url, heartbeatSeconds: 5 },
  })
  const boxId = await enrolBoxData(platform.url, box.dataDir)
  const { pm2, find, killAndWaitRestart } = box

  await pm2('start', 'firmware-config/ecosystem.config.cjs')
  const health = () => until('the box to answer', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`)
    return res.ok ? ((await res.json()) as { ok: boolean; district: string }) : undefined
  })
  t.same(await health(), { ok: true, district: 'jinjiang', configVersion: 'default' }, 'the box started under pm2')

  // The sync agent reaches the platform (the ack file is written only from the platform's answer),
  // and the fleet agent's heartbeat carries the backlog it implies.
  const acked = await until('the sync agent to hear the platform', async () => readAckRecord(box.dataDir) ?? undefined)
  t.equal(acked.ackedSeq, (await boxStatus(platform.url, boxId)).ackedSeq, 'the sync agent noted what the platform acknowledged')
  const heartbeat = await until('a heartbeat with the sync backlog', async () => {
    const { body } = await admin(platform.url, 'GET', '/api/fleet/boxes')
    const hb = (body.boxes as Array<{ boxId: string; lastHeartbeat: { syncBacklog: number | null } | null }>).find((b) => b.boxId === boxId)?.lastHeartbeat
    return hb && hb.syncBacklog !== null ? hb : undefined
  })
  t.equal(heartbeat.syncBacklog, 0, 'the platform sees the box\'s sync backlog in its heartbeat')

  // The city link goes down: the sync agent keeps running and retrying; it does not crash into pm2's limits.
  const syncLog = join(box.logDir, 'sync-agent.out.log')
  const beforeOutage = readFileSync(syncLog, 'utf8').length
  await platform.kill('SIGKILL')
  await until('the sync agent to retry', async () => (/"event":"error","failures":2/.test(readFileSync(syncLog, 'utf8').slice(beforeOutage)) ? true : undefined))
  t.match((await find('kuaichu-sync-agent'))!.pm2_env, { status: 'online', restart_time: 0 }, 'the sync agent stays up through the outage')
  t.match((await find('kuaichu-fleet-agent'))!.pm2_env, { status: 'online', restart_time: 0 }, 'and so does the fleet agent')

  // A SIGKILL (the OOM killer, say) is a crash, not "nothing to do": the agents come back.
  t.equal((await killAndWaitRestart('kuaichu-sync-agent')).pm2_env.restart_time, 1, 'pm2 restarted the killed sync agent once')
  t.equal((await killAndWaitRestart('kuaichu-fleet-agent')).pm2_env.restart_time, 1, 'pm2 restarted the killed fleet agent once')
  await until('the restarted sync agent to start', async () => ((readFileSync(syncLog, 'utf8').match(/"event":"started"/g) ?? []).length === 2 ? true : undefined))
  t.equal((await killAndWaitRestart('kuaichu-box')).pm2_env.restart_time, 1, 'pm2 restarted the killed box once')
  t.same(await health(), { ok: true, district: 'jinjiang', configVersion: 'default' }, 'and it serves again')

  // Log rotation: Debian's logrotate with our configuration, forced, against a private state file.
  const outLog = join(box.logDir, 'box.out.log')
  t.match(readFileSync(outLog, 'utf8'), /快处 district box/, 'pm2 writes the box log where the ecosystem says')
  const conf = join(box.dir, 'logrotate.conf')
  writeFileSync(conf, readFileSync(join(ROOT, 'firmware-config', 'logrotate.conf'), 'utf8').replaceAll('@LOG_DIR@', box.logDir))
  await run('logrotate', ['--force', '--state', join(box.dir, 'logrotate.state'), conf])
  t.ok(existsSync(`${outLog}.1`), 'rotated')
  t.match(readFileSync(`${outLog}.1`, 'utf8'), /快处 district box/, 'the rotated file keeps the old lines')
  t.notMatch(readFileSync(outLog, 'utf8'), /快处 district box/, 'the live file starts empty (copytruncate)')
  t.match(readFileSync(`${syncLog}.1`, 'utf8'), /"event":"started"/, 'the sync agent\'s log is rotated too')
})

t.test('a box with no platform: both agents exit "not configured" and pm2 leaves them stopped', async (t) => {
  const { pm2, find, logDir } = privatePm2(t, {})
  await pm2('start', 'firmware-config/ecosystem.config.cjs', '--only', 'kuaichu-fleet-agent,kuaichu-sync-agent')
  for (const name of ['kuaichu-fleet-agent', 'kuaichu-sync-agent']) {
    const p = await until(`${name} to stop`, async () => {
      const p = await find(name)
      return p?.pm2_env.status === 'stopped' ? p : undefined
    })
    t.equal(p.pm2_env.exit_code, EXIT_NOT_CONFIGURED, `${name} said there is nothing to do`)
    t.equal(p.pm2_env.restart_time, 0, `${name} was not restarted`)
  }
  t.match(readFileSync(join(logDir, 'sync-agent.out.log'), 'utf8'), /"event":"no_platform"/)
})
