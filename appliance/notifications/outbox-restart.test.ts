// SMS delivery across a restart of the real box (a child process): a message the gateway refused is
// retried with backoff; the box is killed (SIGKILL) after the gateway accepted the message but before
// the box heard so; after the restart it resends with the same idempotency key, the gateway dedupes,
// and the phone gets the message exactly once.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import t from 'tap'
import { startDemoSmsGateway } from './demo-sms-gateway.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

async function startBox(dataDir: string, configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of ['NODE_OPTIONS', 'KUAICHU_REGISTRY_URL']) delete env[k]
  const child = spawn(process.execPath, ['--import', 'tsx', 'appliance/main.ts'], {
    cwd: ROOT,
    env: { ...env, KUAICHU_CONFIG: configFile, KUAICHU_DATA_DIR: dataDir, KUAICHU_HOST: '127.0.0.1', KUAICHU_PORT: '0', KUAICHU_TLS: 'off', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`box did not start within 60 s\n${out}`)), 60_000)
    const look = () => {
      const m = / on (http:\/\/\S+?:\d+)\r?\n/.exec(out)
      if (m) { clearTimeout(timer); resolve(m[1]!) }
    }
    child.stdout!.on('data', look)
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`box exited (${code ?? signal})\n${out}`)) })
  })
  return { child, url }
}

const kill = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve()
  child.once('exit', () => resolve())
  child.kill('SIGKILL')
})

async function until(what: string, cond: () => boolean, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

t.test('a pending SMS survives a kill of the box and is delivered once', async (t) => {
  const gateway = await startDemoSmsGateway({ failMode: 'error500', hangMs: 30_000 })
  const dataDir = mkdtempSync(join(tmpdir(), 'kuaichu-outbox-'))
  const configFile = join(dataDir, 'config.json')
  writeFileSync(configFile, JSON.stringify({
    sms: { url: gateway.url, timeoutMs: 2000 },
    outbox: { maxAttempts: 50, baseDelayMs: 100, maxDelayMs: 800, pollMs: 50 },
    media: { workers: 1 },
  }))
  const live = new Set<ChildProcess>()
  t.teardown(async () => {
    for (const c of live) await kill(c)
    await gateway.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const row = () => {
    const db = new Database(join(dataDir, 'kuaichu.db'), { readonly: true, fileMustExist: true })
    try {
      return db.prepare('SELECT status, attempts, idempotency_key AS key, gateway_ref AS ref, body FROM notifications').all() as any[]
    } finally {
      db.close()
    }
  }

  let box = await startBox(dataDir, configFile)
  live.add(box.child)
  const res = await fetch(`${box.url}/api/citizen/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ location: { lat: 30.6574, lng: 104.0806 }, phone: '13800138000' }),
  })
  t.equal(res.status, 201)
  const { caseId, caseNo } = await res.json() as { caseId: string; caseNo: string }

  await until('three refused attempts', () => gateway.requests.length >= 3)
  const [first] = row()
  t.equal(first.status, 'pending', 'refused: still pending')
  t.ok(first.attempts >= 2, 'attempts counted')
  t.equal(first.key, `received:${caseId}`)
  const times = gateway.requests.slice(0, 3).map((r) => Date.parse(r.at))
  t.ok(times[2]! - times[1]! >= 100, 'retries wait (backoff)')

  // The gateway accepts the next attempt but its reply never comes: the box cannot know.
  gateway.failMode = 'accept-then-hang'
  await until('the gateway accepting the message', () => gateway.deliveries.length === 1)
  await kill(box.child)
  live.delete(box.child)
  t.equal(row()[0].status, 'pending', 'after the kill the message is still pending in the box')

  gateway.failMode = 'none'
  const before = gateway.requests.length
  box = await startBox(dataDir, configFile)
  live.add(box.child)
  await until('the message marked sent after the restart', () => row()[0].status === 'sent')
  const [sent] = row()
  t.ok(gateway.requests.length > before, 'resent after the restart')
  t.ok(gateway.requests.every((r) => r.key === sent.key), 'every attempt carried the same idempotency key')
  t.equal(gateway.deliveries.length, 1, 'delivered exactly once')
  t.equal(sent.ref, gateway.deliveries[0]!.reply.messageId, 'the box recorded the gateway’s message id')
  t.equal(gateway.deliveries[0]!.body.to, '13800138000')
  t.match(gateway.deliveries[0]!.body.text, new RegExp(`已受理，案件编号${caseNo}.*/progress#case=${caseId}&token=[A-Za-z0-9_-]{40,}`))
  t.match(sent.body, /&token=…$/, 'once sent, the box keeps the text without the link’s token')
  await kill(box.child)
  live.delete(box.child)
})
