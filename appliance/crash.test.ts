// Crash test: the real server (a child process) is killed with SIGKILL many times in the middle of a
// stream of concurrent writes, then restarted on the same data directory. At the end the SQLite file
// is opened directly: no acknowledged write is lost, nothing is half-written, the audit chain holds.
//
// Reproduce a run with CRASH_SEED=<seed printed in the output>; CRASH_CYCLES sets the number of kills.
// The seed fixes the kill schedule and the request bodies; how many requests fit in each window
// still depends on the machine.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { verifyAuditLog } from './audit/audit-log.ts'
import { openDb, type Db } from './db/open.ts'
import { prng } from './test-support/prng.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 32) >>> 0
const CYCLES = Math.max(10, Number(process.env.CRASH_CYCLES ?? 12))
const CONCURRENCY = 8
const JOIN_SHARE = 0.3
/** Stop adding cycles (beyond the minimum of 10) once this much time has gone by. */
const TIME_BUDGET_MS = 70_000

type Rng = ReturnType<typeof prng>
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!

// ---------------------------------------------------------------------------------------------
// The server as a child process

interface ServerProcess {
  child: ChildProcess
  url: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stderr: () => string
}

function serverEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  // A clean server: none of the test runner's loaders, none of the operator's config.
  for (const k of ['NODE_OPTIONS', 'KUAICHU_CONFIG', 'KUAICHU_REGISTRY_URL']) delete env[k]
  return {
    ...env,
    KUAICHU_DATA_DIR: dataDir,
    KUAICHU_HOST: '127.0.0.1',
    KUAICHU_PORT: '0',
    // Plain HTTP: TLS has its own test (tls/tls.e2e.test.ts), and its fixed redirect port would
    // collide between test files running in parallel.
    KUAICHU_TLS: 'off',
    KUAICHU_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  }
}

async function startServer(dataDir: string, live: Set<ChildProcess>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'appliance/main.ts'], {
    cwd: ROOT,
    env: serverEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    })
  })
  child.once('error', (e) => { err += `\nspawn error: ${e.message}` })

  // main.ts prints "… on http://HOST:PORT" once it listens (LOG_LEVEL=warn hides Fastify's own line).
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 30 s\n${out}\n${err}`)), 30_000)
    const look = () => {
      const m = / on (http:\/\/\S+?:\d+)\r?\n/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.stdout!.off('data', look)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', look)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening\n${out}\n${err}`))
    })
  })

  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })
      if (r.status === 200 && ((await r.json()) as { ok?: boolean }).ok === true) break
    } catch (e) {
      if (i >= 50) throw new Error(`health check never answered: ${(e as Error).message}\n${err}`)
    }
    await sleep(100)
  }
  return { child, url, exited, stderr: () => err }
}

// ---------------------------------------------------------------------------------------------
// The client side: what was sent, what was acknowledged

interface SentReport {
  location: { lat: number; lng: number; accuracyM?: number }
  phone: string
  plate?: string
  address?: string
}

interface AckedCase {
  caseNo: string
  token: string
  sent: SentReport
  cycle: number
}

class Ledger {
  readonly acked = new Map<string, AckedCase>()
  /** Acknowledged cases whose join has not been acknowledged yet. */
  readonly joinable: string[] = []
  /** caseId → state in the acknowledged join reply. */
  readonly joined = new Map<string, string>()
  reportsSent = 0
  joinsSent = 0
  inFlight = 0
  inFlightAtKill = 0
  failedReportsAtKill = 0
  failedJoinsAtKill = 0
  /** Anything that is neither a 2xx nor a connection error caused by our own kill. */
  readonly unexpected: string[] = []
}

function reportBody(rng: Rng): SentReport {
  const body: SentReport = {
    // Around Chengdu, 6 decimals like a phone's GPS.
    location: { lat: Math.round((30.5 + rng() * 0.3) * 1e6) / 1e6, lng: Math.round((103.9 + rng() * 0.3) * 1e6) / 1e6 },
    phone: `1${pick(rng, ['3', '5', '7', '8', '9'])}${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`,
  }
  if (rng() < 0.7) body.location.accuracyM = Math.round(rng() * 500 * 10) / 10
  const p = rng()
  const digits = String(Math.floor(rng() * 1e5)).padStart(5, '0')
  if (p < 0.4) body.plate = `川A${digits}`
  else if (p < 0.6) body.plate = `川A·${digits}`
  else if (p < 0.75) body.plate = `川AD${digits}`
  if (rng() < 0.5) body.address = pick(rng, ['红星路三段', '春熙路', '东大街下东大街段', '天府大道北段1700号', '人民南路四段'])
  return body
}

const isConnectionError = (e: unknown) =>
  e instanceof TypeError && /fetch failed/.test(e.message)

/** One writer: reports, and now and then a join of an earlier acknowledged case, until told to stop. */
async function writer(url: string, rng: Rng, ledger: Ledger, stop: { killed: boolean }, cycle: number) {
  while (!stop.killed) {
    const join = ledger.joinable.length > 0 && rng() < JOIN_SHARE
    if (join) {
      const caseId = ledger.joinable.splice(Math.floor(rng() * ledger.joinable.length), 1)[0]!
      const { token } = ledger.acked.get(caseId)!
      ledger.joinsSent++
      ledger.inFlight++
      try {
        const res = await fetch(`${url}/api/citizen/cases/${caseId}/join`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(10_000),
        })
        const text = await res.text()
        if (res.status === 200) {
          ledger.joined.set(caseId, (JSON.parse(text) as { state: string }).state)
        } else {
          ledger.unexpected.push(`join ${caseId} (cycle ${cycle}): HTTP ${res.status} ${text}`)
        }
      } catch (e) {
        // Not acknowledged: the citizen would press 【继续处理】 again, so we retry it in a later cycle.
        ledger.joinable.push(caseId)
        if (stop.killed && isConnectionError(e)) ledger.failedJoinsAtKill++
        else ledger.unexpected.push(`join ${caseId} (cycle ${cycle}): ${String(e)}`)
      } finally {
        ledger.inFlight--
      }
    } else {
      const sent = reportBody(rng)
      ledger.reportsSent++
      ledger.inFlight++
      try {
        const res = await fetch(`${url}/api/citizen/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(sent),
          signal: AbortSignal.timeout(10_000),
        })
        const text = await res.text()
        if (res.status === 201) {
          const r = JSON.parse(text) as { caseId: string; caseNo: string; token: string }
          ledger.acked.set(r.caseId, { caseNo: r.caseNo, token: r.token, sent, cycle })
          ledger.joinable.push(r.caseId)
        } else {
          ledger.unexpected.push(`report (cycle ${cycle}): HTTP ${res.status} ${text}`)
        }
      } catch (e) {
        if (stop.killed && isConnectionError(e)) ledger.failedReportsAtKill++
        else ledger.unexpected.push(`report (cycle ${cycle}): ${String(e)}`)
      } finally {
        ledger.inFlight--
      }
    }
  }
}

/** After a restart the server itself must still serve what it acknowledged before the kill. */
async function spotCheck(url: string, ledger: Ledger, cycle: number, rng: Rng): Promise<string[]> {
  const previous = [...ledger.acked].filter(([, c]) => c.cycle === cycle - 1)
  const sample = previous.length <= 20 ? previous : Array.from({ length: 20 }, () => pick(rng, previous))
  const problems: string[] = []
  for (const [caseId, c] of sample) {
    const res = await fetch(`${url}/api/citizen/cases/${caseId}`, { headers: { authorization: `Bearer ${c.token}` } })
    const body = (await res.json()) as { caseNo?: string; state?: string }
    if (res.status !== 200 || body.caseNo !== c.caseNo) problems.push(`${caseId}: HTTP ${res.status} ${JSON.stringify(body)}`)
    const joinedState = ledger.joined.get(caseId)
    if (joinedState !== undefined && body.state === 'reported') problems.push(`${caseId}: acknowledged join lost after restart`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// The store, opened directly after the last kill

function inspectStore(db: Db, ledger: Ledger) {
  const sqlite = db.$client
  const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[]
  const one = <T>(sql: string) => sqlite.prepare(sql).get() as T

  const integrity = all<{ integrity_check: string }>('PRAGMA integrity_check').map((r) => r.integrity_check)
  const foreignKeys = all<unknown>('PRAGMA foreign_key_check')

  const rows = new Map(
    all<{ id: string; case_no: string; state: string; call_status: string; lat: number; lng: number; location_accuracy_m: number | null; address: string | null; reporter_phone: string; reported_plate: string | null }>(
      'SELECT id, case_no, state, call_status, lat, lng, location_accuracy_m, address, reporter_phone, reported_plate FROM cases',
    ).map((r) => [r.id, r]),
  )

  // No acknowledged case lost, and each holds what was sent.
  const lost: string[] = []
  const wrongContent: string[] = []
  for (const [caseId, c] of ledger.acked) {
    const r = rows.get(caseId)
    if (!r) {
      lost.push(`${caseId} ${c.caseNo} (acknowledged in cycle ${c.cycle})`)
      continue
    }
    const plate = c.sent.plate?.replace('·', '') ?? null
    const same = r.case_no === c.caseNo && r.lat === c.sent.location.lat && r.lng === c.sent.location.lng &&
      r.location_accuracy_m === (c.sent.location.accuracyM ?? null) && r.address === (c.sent.address ?? null) &&
      r.reporter_phone === c.sent.phone && r.reported_plate === plate
    if (!same) wrongContent.push(`${caseId}: sent ${JSON.stringify({ caseNo: c.caseNo, ...c.sent })}, stored ${JSON.stringify(r)}`)
  }

  // No acknowledged join lost.
  const joinsLost: string[] = []
  for (const [caseId, state] of ledger.joined) {
    const r = rows.get(caseId)
    if (state !== 'queued' || !r || r.state !== 'queued' || r.call_status !== 'waiting') {
      joinsLost.push(`${caseId}: reply said ${state}, store has ${r ? `${r.state}/${r.call_status}` : 'no case'}`)
    }
  }

  // Nothing half-written: a case and its audit entries exist together or not at all.
  const withoutReportedEntry = all<{ id: string; n: number }>(
    `SELECT c.id, (SELECT count(*) FROM audit_log a WHERE a.case_id = c.id AND a.action = 'case.reported') AS n
       FROM cases c WHERE n != 1`,
  )
  const orphanEntries = all<{ seq: number; action: string; case_id: string }>(
    `SELECT a.seq, a.action, a.case_id FROM audit_log a LEFT JOIN cases c ON c.id = a.case_id
      WHERE a.case_id IS NOT NULL AND c.id IS NULL`,
  )
  const stateWithoutEntry = all<{ id: string; state: string; call_status: string; enqueues: number }>(
    `SELECT id, state, call_status, enqueues FROM (
       SELECT c.id, c.state, c.call_status,
              (SELECT count(*) FROM audit_log a WHERE a.case_id = c.id AND a.action = 'case.enqueue') AS enqueues
         FROM cases c)
      WHERE NOT ((state = 'reported' AND call_status = 'none' AND enqueues = 0)
              OR (state = 'queued' AND call_status = 'waiting' AND enqueues = 1))`,
  )
  // The day counter moves in the same transaction as the insert: it equals the number of cases that day.
  const counterDrift = all<{ name: string; value: number; n: number }>(
    `SELECT k.name, k.value,
            (SELECT count(*) FROM cases c
              WHERE c.case_no LIKE upper(substr(k.name, 6, instr(substr(k.name, 6), ':') - 1)) || '-' ||
                                   substr(k.name, -8) || '-%') AS n
       FROM counters k WHERE k.name LIKE 'case:%' AND k.value != n`,
  )
  const duplicateCaseNos = all<{ case_no: string; n: number }>(
    'SELECT case_no, count(*) AS n FROM cases GROUP BY case_no HAVING n > 1',
  )
  const ackedCaseNos = [...ledger.acked.values()].map((c) => c.caseNo)

  const audit = one<{ n: number; maxSeq: number }>('SELECT count(*) AS n, coalesce(max(seq), 0) AS maxSeq FROM audit_log')
  return {
    integrity,
    foreignKeys,
    cases: rows.size,
    queued: [...rows.values()].filter((r) => r.state === 'queued').length,
    lost,
    wrongContent,
    joinsLost,
    withoutReportedEntry,
    orphanEntries,
    stateWithoutEntry,
    counterDrift,
    duplicateCaseNos,
    duplicateAckedCaseNos: ackedCaseNos.length - new Set(ackedCaseNos).size,
    audit,
    chain: verifyAuditLog(db),
  }
}

// ---------------------------------------------------------------------------------------------

t.test('SIGKILL during a stream of writes loses no acknowledged case and half-writes none', async (t) => {
  const started = Date.now()
  t.comment(`crash seed ${SEED} (rerun with CRASH_SEED=${SEED}), up to ${CYCLES} kill cycles, ${CONCURRENCY} writers`)
  const dataDir = mkdtempSync(join(tmpdir(), 'kuaichu-crash-'))
  const live = new Set<ChildProcess>()
  let db: Db | undefined
  t.teardown(() => {
    for (const child of live) child.kill('SIGKILL')
    try { db?.$client.close() } catch { /* already closed */ }
    rmSync(dataDir, { recursive: true, force: true })
  })

  const bodyRng = prng(SEED)
  const killRng = prng(SEED ^ 0x9e3779b9)
  const ledger = new Ledger()
  const exits: string[] = []
  const spotProblems: string[] = []
  let kills = 0
  let startMs = 0

  for (let cycle = 0; cycle < CYCLES; cycle++) {
    if (cycle >= 10 && Date.now() - started > TIME_BUDGET_MS) break
    const t0 = Date.now()
    const server = await startServer(dataDir, live)
    startMs += Date.now() - t0
    if (cycle > 0) spotProblems.push(...(await spotCheck(server.url, ledger, cycle, bodyRng)))

    const stop = { killed: false }
    const writers = Array.from({ length: CONCURRENCY }, () => writer(server.url, bodyRng, ledger, stop, cycle))
    await sleep(100 + Math.floor(killRng() * 500))
    // Same tick: no writer can start a request between the flag and the kill.
    stop.killed = true
    ledger.inFlightAtKill += ledger.inFlight
    server.child.kill('SIGKILL')
    kills++
    await Promise.all(writers)
    const exit = await server.exited
    if (exit.signal !== 'SIGKILL') exits.push(`cycle ${cycle}: exited with ${exit.code ?? exit.signal}\n${server.stderr()}`)
    else if (server.stderr().trim() !== '') exits.push(`cycle ${cycle}: stderr before kill\n${server.stderr()}`)
  }

  db = openDb(join(dataDir, 'kuaichu.db'))
  const store = inspectStore(db, ledger)
  db.$client.close()
  db = undefined

  const failedAtKill = ledger.failedReportsAtKill + ledger.failedJoinsAtKill
  t.comment(
    `${kills} kills in ${((Date.now() - started) / 1000).toFixed(1)} s (server start ${(startMs / kills / 1000).toFixed(2)} s avg); ` +
    `reports sent ${ledger.reportsSent}, acknowledged ${ledger.acked.size}; joins sent ${ledger.joinsSent}, acknowledged ${ledger.joined.size}; ` +
    `in flight at kill ${ledger.inFlightAtKill}, failed by the kill ${failedAtKill} ` +
    `(${ledger.failedReportsAtKill} reports, ${ledger.failedJoinsAtKill} joins); ` +
    `store: ${store.cases} cases (${store.cases - ledger.acked.size} committed but never acknowledged), ` +
    `${store.queued} queued, ${store.audit.n} audit entries`,
  )

  t.ok(kills >= 10, `at least 10 kill cycles (${kills})`)
  t.same(exits, [], 'every server ran until killed, with nothing on stderr')
  t.same(ledger.unexpected, [], 'every request was acknowledged or failed only because of the kill')
  t.same(spotProblems, [], 'after each restart the server serves the cases acknowledged before the kill')
  t.ok(ledger.acked.size >= 50, `many writes acknowledged (${ledger.acked.size})`)
  t.ok(ledger.joined.size >= 5, `joins acknowledged (${ledger.joined.size})`)
  t.ok(failedAtKill > 0, `writes were in flight when killed (${failedAtKill} failed)`)

  t.same(store.integrity, ['ok'], 'PRAGMA integrity_check')
  t.same(store.foreignKeys, [], 'PRAGMA foreign_key_check')
  t.same(store.lost, [], 'every acknowledged case is in the store')
  t.same(store.wrongContent, [], 'every acknowledged case holds what was sent')
  t.same(store.joinsLost, [], 'every acknowledged join is in the store (queued, waiting)')
  t.ok(store.cases - ledger.acked.size <= ledger.failedReportsAtKill,
    'cases committed without an acknowledgement are no more than the reports cut off by a kill')
  t.same(store.withoutReportedEntry, [], "every case has exactly one 'case.reported' audit entry")
  t.same(store.orphanEntries, [], 'no audit entry names a case that does not exist')
  t.same(store.stateWithoutEntry, [], 'each case state matches its audit entries (reported/none/0 or queued/waiting/1 enqueue)')
  t.same(store.counterDrift, [], 'case-number counters equal the number of cases of their day')
  t.same(store.duplicateCaseNos, [], 'case numbers are unique in the store')
  t.equal(store.duplicateAckedCaseNos, 0, 'no case number was acknowledged twice')
  t.same(store.chain, { ok: true, entries: store.audit.n }, 'the audit hash chain verifies')
  t.equal(store.audit.maxSeq, store.audit.n, 'audit sequence has no gaps')
})
