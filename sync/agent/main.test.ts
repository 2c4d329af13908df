// The sync agent process: where it syncs to comes from the box's enrolment; with no platform it
// exits with the "not configured" code; what the platform acknowledged ends up in the file the fleet heartbeat reads.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { EXIT_NOT_CONFIGURED } from '../../firmware-config/exit-codes.ts'
import { ENROLMENT_FILE } from '../../provisioning/box-client.ts'
import { syncBacklog } from '../../provisioning/heartbeat-metrics.ts'
import { boxData, enrolBoxData, freePort, startAgent, startPlatform, waitDrained } from '../test-support/sync-rig.ts'
import { readAckRecord } from './ack-record.ts'

const ROOT = resolve(import.meta.dirname, '..', '..')
t.setTimeout(300_000)

/** Runs main.ts to its end; the environment is ours alone (no platform URL inherited). */
function runMain(args: string[], env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  for (const k of ['KUAICHU_PLATFORM_URL', 'KUAICHU_BOX_ID', 'KUAICHU_CONFIG', 'KUAICHU_DISTRICT_CONFIG']) if (!(k in env)) delete childEnv[k]
  const proc = spawn(process.execPath, ['--import', 'tsx', 'sync/agent/main.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d))
  proc.stderr.on('data', (d: Buffer) => (out += d))
  return new Promise<{ code: number | null; out: string }>((done) => proc.once('exit', (code) => done({ code, out })))
}

t.test('no platform configured and not enrolled: exits with the "not configured" code, saying so', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-agent-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const { code, out } = await runMain([], { KUAICHU_DATA_DIR: dataDir })
  t.equal(code, EXIT_NOT_CONFIGURED, out)
  t.match(out, /"event":"no_platform"/)
})

t.test('a damaged enrolment file stops the agent with the file named', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-agent-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  mkdirSync(join(dataDir, 'identity'))
  writeFileSync(join(dataDir, 'identity', ENROLMENT_FILE), JSON.stringify({ boxId: 'box-1', districtId: 'jinjiang' }))
  const { code, out } = await runMain([], { KUAICHU_DATA_DIR: dataDir, KUAICHU_PLATFORM_URL: 'http://127.0.0.1:9' })
  t.equal(code, 1)
  t.match(out, /enrolment\.json: \/platformUrl/)
})

t.test('an enrolled box syncs under its enrolled id to its enrolled platform; the ack reaches the heartbeat', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-agent-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dataDir = join(dir, 'box')
  const box = boxData(dataDir)
  t.teardown(box.close)
  for (let i = 0; i < 5; i++) box.addCase([2_000])
  const platform = await startPlatform(join(dir, 'platform'), await freePort())
  t.teardown(() => platform.kill())
  // Real enrolment (one-time token, key proof): it writes identity/enrolment.json.
  const boxId = await enrolBoxData(platform.url, dataDir)
  t.not(boxId, 'jinjiang', 'the platform names the box (not the district id the agent used before enrolment)')

  const identity = await runMain(['identity'], { KUAICHU_DATA_DIR: dataDir })
  t.match(JSON.parse(identity.out), { boxId, districtId: 'jinjiang' }, 'the identity subcommand names the enrolled box')
  t.equal(syncBacklog(dataDir), null, 'before any sync the heartbeat reports no backlog figure')

  // The pre-enrolment settings point elsewhere: the enrolment wins.
  const agent = startAgent(dataDir, 'http://127.0.0.1:9', { KUAICHU_BOX_ID: 'not-this-one' })
  t.teardown(() => agent.kill())
  t.match(JSON.parse(await agent.waitFor(/"event":"started"/)), { boxId, platform: platform.url })
  const head = box.outboxHead()
  await waitDrained(platform.url, boxId, head)
  // The platform's status already shows the ack; the agent writes its file right after the reply.
  const record = await until(() => {
    const r = readAckRecord(dataDir)
    return r?.ackedSeq === head ? r : undefined
  })
  t.equal(record.ackedSeq, head, 'the file holds the platform\'s acknowledgement')
  t.equal(syncBacklog(dataDir), 0, 'nothing waiting')

  await agent.kill('SIGKILL')
  box.addCase()
  t.equal(syncBacklog(dataDir), box.outboxHead() - head, 'with the agent down, new events are backlog')
})

async function until<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
  }
}
