// pm2 starts the whole box from the ecosystem file, restarts a killed process, and the logs rotate.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

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

t.test('pm2 runs the box from the ecosystem file and restarts a killed process', async (t) => {
  // A short path: pm2's unix sockets live in PM2_HOME and socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'kc-pm2-'))
  const dataDir = join(dir, 'data')
  const logDir = join(dir, 'logs')
  mkdirSync(logDir)
  const port = await freePort()
  const rtc = 20000 + (port % 20000)
  const local = join(dir, 'local.json')
  writeFileSync(local, JSON.stringify({ http: { host: '127.0.0.1', port }, dataDir, media: { workers: 1, rtcMinPort: rtc, rtcMaxPort: rtc + 99 } }))
  const env: NodeJS.ProcessEnv = { ...process.env, PM2_HOME: join(dir, 'pm2'), KUAICHU_CONFIG: local, KUAICHU_LOG_DIR: logDir }
  delete env.KUAICHU_DISTRICT_CONFIG
  delete env.NODE_OPTIONS // tap's loader hooks must not leak into the box
  const pm2 = (...args: string[]) => run(PM2, args, { env, cwd: ROOT, timeout: 60_000 })
  t.teardown(async () => {
    await pm2('kill')
    rmSync(dir, { recursive: true, force: true })
  })

  await pm2('start', 'firmware-config/ecosystem.config.cjs')
  const health = () => until('the box to answer', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`)
    return res.ok ? ((await res.json()) as { ok: boolean; district: string }) : undefined
  })
  t.same(await health(), { ok: true, district: 'jinjiang', configVersion: 'default' }, 'the box started under pm2')

  const list = async () => JSON.parse((await pm2('jlist')).stdout) as Pm2Process[]
  const agent = await until('the agent to stop', async () => (await list()).find((p) => p.name === 'kuaichu-fleet-agent' && p.pm2_env.status === 'stopped'))
  t.equal(agent.pm2_env.restart_time, 0, 'no platform configured: the fleet agent exits 0 and is not restarted')

  const box = (await list()).find((p) => p.name === 'kuaichu-box')!
  t.equal(box.pm2_env.status, 'online')
  process.kill(box.pid, 'SIGKILL')
  const again = await until('pm2 to restart the box', async () => {
    const p = (await list()).find((p) => p.name === 'kuaichu-box')
    return p && p.pid > 0 && p.pid !== box.pid && p.pm2_env.status === 'online' ? p : undefined
  })
  t.equal(again.pm2_env.restart_time, 1, 'pm2 restarted the killed box once')
  t.same(await health(), { ok: true, district: 'jinjiang', configVersion: 'default' }, 'and it serves again')

  // Log rotation: Debian's logrotate with our configuration, forced, against a private state file.
  const outLog = join(logDir, 'box.out.log')
  t.match(readFileSync(outLog, 'utf8'), /快处 district box/, 'pm2 writes the box log where the ecosystem says')
  const conf = join(dir, 'logrotate.conf')
  writeFileSync(conf, readFileSync(join(ROOT, 'firmware-config', 'logrotate.conf'), 'utf8').replaceAll('@LOG_DIR@', logDir))
  await run('logrotate', ['--force', '--state', join(dir, 'logrotate.state'), conf])
  t.ok(existsSync(`${outLog}.1`), 'rotated')
  t.match(readFileSync(`${outLog}.1`, 'utf8'), /快处 district box/, 'the rotated file keeps the old lines')
  t.notMatch(readFileSync(outLog, 'utf8'), /快处 district box/, 'the live file starts empty (copytruncate)')
})
