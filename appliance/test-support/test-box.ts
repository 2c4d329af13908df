// A real box for tests: SQLite file in a temp dir, the demo registry over HTTP, the app on a port.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CONFIG, validateConfig, type Config } from '../../firmware-config/config.ts'
import { buildApp } from '../app.ts'
import { createLiveStreams, type LiveStreams } from '../cameras/live-streams.ts'
import { openDb } from '../db/open.ts'
import { createWorkerPool, type WorkerPool } from '../media/worker-pool.ts'
import { createPlateReader } from '../../models/plate-reader.ts'
import { seedDemoOfficers, type DemoAccount } from '../demo/seed-officers.ts'
import { createRegistryClient } from '../registry/client.ts'
import { DEMO_RECORDS, startDemoRegistry, type DemoRecord } from '../registry/demo-registry.ts'
import { startHttpRedirect } from '../tls/http-redirect.ts'
import { loadServerTls } from '../tls/server-tls.ts'

/** 10:00 in Chengdu on the registry seed's reference date: inside service hours. */
export const TEST_NOW = new Date('2026-11-26T02:00:00.000Z')

export interface TestBox {
  url: string
  dataDir: string
  db: ReturnType<typeof openDb>
  config: Config
  accounts: Record<string, DemoAccount>
  registry: Awaited<ReturnType<typeof startDemoRegistry>>
  clock: { now: Date }
  /** With `tls`: the demo CA to trust, and the plain-HTTP address that redirects to `url`. */
  caFile: string | null
  redirectUrl: string | null
  /** The SFU workers when started with `media`. */
  media: WorkerPool | undefined
  /** The roadside cameras' live streams (which cameras have viewers). */
  cameraStreams: LiveStreams
  close(): Promise<void>
}

export interface TestBoxOptions {
  /** Start the SFU (one mediasoup worker) so calls work; off for the case-core tests. */
  media?: boolean
  /** How many mediasoup workers (default 1). */
  workers?: number
  /** Serve HTTPS/WSS under the demo CA (made in the data dir), with a plain-HTTP redirect port; default plain HTTP. */
  tls?: boolean
  /** Start the box's clock at the real time instead of TEST_NOW (a browser expires cookies by its own clock). */
  realTime?: boolean
  /** Read plates off stills (one OCR worker thread); off unless a test needs it. */
  ocr?: boolean
}

export async function startTestBox(overrides: Partial<Config> = {}, options: TestBoxOptions = {}): Promise<TestBox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kuaichu-test-'))
  const config = validateConfig({
    ...DEFAULT_CONFIG,
    dataDir,
    rateLimits: { reportsPerMinute: 10_000, loginsPerMinute: 10_000 },
    tls: { ...DEFAULT_CONFIG.tls, enabled: Boolean(options.tls), redirectPort: 0 },
    ...overrides,
    http: { host: '127.0.0.1', port: 0 },
  })
  const clock = { now: options.realTime ? new Date() : TEST_NOW }
  const db = openDb(join(dataDir, 'kuaichu.db'))
  const registry = await startDemoRegistry({ host: '127.0.0.1', port: 0, hangMs: 2000 })
  const accounts = await seedDemoOfficers(db, dataDir, config.district.id, clock.now)
  const media = options.media ? await createWorkerPool({ ...config.media, workers: options.workers ?? 1 }) : undefined
  const tls = await loadServerTls(config)
  const cameraStreams = createLiveStreams()
  const app = await buildApp({
    ...(tls ? { https: tls.https } : {}),
    config: { ...config, registry: { url: registry.url, timeoutMs: 500 } },
    db,
    registry: createRegistryClient({ baseUrl: registry.url, timeoutMs: 500 }),
    media,
    ...(options.ocr ? { plates: createPlateReader({ workers: 1, homePrefix: config.ocr.homePlatePrefix }) } : {}),
    now: () => clock.now,
    cameraStreams,
  })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const redirect = tls ? await startHttpRedirect({ host: '127.0.0.1', port: 0, httpsPort: Number(new URL(url).port) }) : null
  return {
    url,
    dataDir,
    db,
    config,
    registry,
    clock,
    media,
    cameraStreams,
    caFile: tls?.caFile ?? null,
    redirectUrl: redirect?.url ?? null,
    accounts: Object.fromEntries(accounts.map((a) => [a.username, a])),
    async close() {
      await redirect?.close()
      await app.close()
      media?.close()
      await registry.close()
      db.$client.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface ApiReply {
  status: number
  body: any
}

/** A tiny HTTP client holding one caller's credentials (officer cookie or citizen token). */
export class Caller {
  cookie = ''
  bearer = ''
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown, rawBody?: string | Uint8Array, contentType = 'application/json'): Promise<ApiReply> {
    const headers: Record<string, string> = {}
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = contentType
    if (this.cookie) headers.cookie = this.cookie
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: typeof rawBody === 'string' ? rawBody : rawBody ? new Uint8Array(rawBody) : body === undefined ? undefined : JSON.stringify(body),
    })
    const setCookie = res.headers.get('set-cookie')
    if (setCookie?.startsWith('kc_session=')) this.cookie = setCookie.split(';')[0]!
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

  get = (path: string) => this.call('GET', path)
  post = (path: string, body: unknown = {}) => this.call('POST', path, body)
  put = (path: string, body: unknown) => this.call('PUT', path, body)
  patch = (path: string, body: unknown) => this.call('PATCH', path, body)
}

/** A photo from the citizen's phone camera, uploaded to their case as a still. */
export const uploadStill = (citizen: Caller, caseId: string, bytes: Uint8Array, contentType = 'image/jpeg') =>
  citizen.call('POST', `/api/citizen/cases/${caseId}/stills`, undefined, bytes, contentType)

export async function officer(box: TestBox, username: string): Promise<Caller> {
  const c = new Caller(box.url)
  const r = await c.post('/api/auth/login', { username, password: box.accounts[username]!.password })
  if (r.status !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(r.body)}`)
  return c
}

export async function citizenReport(box: TestBox, body: Record<string, unknown> = {}) {
  const c = new Caller(box.url)
  const r = await c.post('/api/citizen/reports', {
    location: { lat: 30.6574, lng: 104.0806, accuracyM: 12 },
    phone: '13800138000',
    ...body,
  })
  if (r.status !== 201) throw new Error(`report failed: ${JSON.stringify(r.body)}`)
  c.bearer = r.body.token
  return { citizen: c, caseId: r.body.caseId as string, caseNo: r.body.caseNo as string }
}

/** A case reported, waiting and answered by seat01. */
export async function answeredCase(box: TestBox) {
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  const seat = await officer(box, 'seat01')
  const r = await seat.post(`/api/cases/${caseId}/accept`)
  if (r.status !== 200) throw new Error(`accept failed: ${JSON.stringify(r.body)}`)
  return { citizen, caseId, seat }
}

/** Adds a party from a demo registry record, driving the vehicle registered to it. */
export async function addParty(seat: Caller, caseId: string, record: DemoRecord, phone: string) {
  const r = await seat.post(`/api/cases/${caseId}/parties`, {
    name: record.name,
    phone,
    licenceNumber: record.licenceNumber,
    vehicle: { vehicleType: record.vehicleType, ...(record.plate ? { plate: record.plate } : {}) },
  })
  if (r.status !== 201) throw new Error(`add party failed: ${JSON.stringify(r.body)}`)
  return r
}

/** Two parties added (demo records, both fine unless given otherwise) and evidence collected. */
export async function collectedCase(box: TestBox, a: DemoRecord = DEMO_RECORDS.validCar, b: DemoRecord = DEMO_RECORDS.validNewEnergy) {
  const c = await answeredCase(box)
  await addParty(c.seat, c.caseId, a, '13800138000')
  await addParty(c.seat, c.caseId, b, '13900139000')
  await c.seat.post(`/api/cases/${c.caseId}/evidence-complete`)
  return c
}
