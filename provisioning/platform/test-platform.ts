// A real platform for tests: its SQLite file in a temp dir, the fleet app on a port, an admin
// logged in, a clock the test moves; and enrolled boxes that speak the real protocol.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newToken } from '../../appliance/auth/tokens.ts'
import { createBoxAgent } from '../box-agent.ts'
import { enrolBox, type Enrolled } from '../box-client.ts'
import type { ApplyResult } from '../config-apply.ts'
import type { DesiredConfig, HeartbeatPayload } from '../fleet-protocol.ts'
import { loadOrCreateNodeIdentity } from '../node-identity.ts'
import { buildPlatformApp } from './platform-app.ts'

export interface Reply {
  status: number
  body: any
}

export class Client {
  cookie = ''
  constructor(readonly baseUrl: string) {}
  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    const text = await res.text()
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
  }
  get = (path: string) => this.call('GET', path)
  post = (path: string, body: unknown = {}) => this.call('POST', path, body)
}

/**
 * `start`: the clock's first reading (default a fixed date the test moves); 'real': the machine's
 * clock (browser tests, signed sync requests).
 */
export async function startTestPlatform(start: Date | 'real' = new Date('2026-11-26T02:00:00.000Z')) {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-platform-'))
  const clock = { now: start === 'real' ? new Date() : start }
  const now = start === 'real' ? () => new Date() : () => clock.now
  const { app, db, admins } = await buildPlatformApp({ dataDir: dir, now })
  const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '')
  const password = newToken()
  await admins.createAdmin('admin', password)
  const admin = new Client(url)
  const login = await admin.post('/api/fleet/admin/login', { username: 'admin', password })
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`)

  return {
    url,
    dir,
    db,
    clock,
    admin,
    /** Issues a token and enrols a box with a fresh key dir; returns its agent. */
    async enrol(districtId: string, opts: { boxUrl?: string; apply?: (d: DesiredConfig) => Promise<ApplyResult> } = {}) {
      const keyDir = mkdtempSync(join(dir, `box-${districtId}-`))
      const token = await admin.post('/api/fleet/tokens', { districtId, boxUrl: opts.boxUrl ?? `https://${districtId}.box.test` })
      if (token.status !== 201) throw new Error(`token failed: ${JSON.stringify(token.body)}`)
      const enrolled = await enrolBox({ platformUrl: url, token: token.body.token, keyDir })
      return testBoxAgent(enrolled, keyDir, now, opts.apply)
    },
    async close() {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const SAMPLE_STATUS: Omit<HeartbeatPayload, 'kind' | 'boxId' | 'sentAt'> = {
  versions: { software: '0.1.0', models: 'ppocr-v4', config: 'default' },
  system: { cpuLoadPercent: 12, memoryUsedPercent: 40, diskUsedPercent: 30, temperatureC: 48, load1: 0.3, uptimeSeconds: 3600 },
  syncBacklog: 0,
  callsInProgress: 1,
}

/** A box's agent whose status the test sets; by default it applies any valid configuration. */
export function testBoxAgent(enrolled: Enrolled, keyDir: string, now: () => Date, apply?: (d: DesiredConfig) => Promise<ApplyResult>) {
  const state = { status: structuredClone(SAMPLE_STATUS) }
  const agent = createBoxAgent({
    enrolled,
    identity: loadOrCreateNodeIdentity(keyDir),
    now,
    status: async () => state.status,
    apply: async (desired) => {
      const result = apply ? await apply(desired) : { ok: true as const }
      if (result.ok) state.status.versions.config = desired.version
      return result
    },
  })
  return { enrolled, keyDir, state, tick: () => agent.tick() }
}
