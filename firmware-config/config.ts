// The box's validated configuration, in layers: embedded defaults < district file
// (KUAICHU_DISTRICT_CONFIG, what the platform rolls out to a district's box) < local overrides
// (KUAICHU_CONFIG, this machine's addresses and paths) < environment. Every key is checked by one
// TypeBox schema; a bad key fails start-up with its path, the reason and the layer that set it.
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { DISTRICT_IDS } from './districts/districts.ts'

// Unknown keys are errors: a misspelt key must not be silently ignored.
const Strict: typeof Type.Object = (props, opts) => Type.Object(props, { additionalProperties: false, ...opts })
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })

export const ConfigSchema = Strict({
  district: Strict({
    id: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9-]+$' }),
    name: Type.String({ minLength: 1 }),
    issuingUnit: Type.String({ minLength: 1 }),
  }),
  service: Strict({
    start: HHMM,
    end: HHMM,
    timeZone: Type.String({ minLength: 1 }),
  }),
  http: Strict({
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
  }),
  // HTTPS/WSS (phones allow camera and microphone only on secure pages). Empty cert/key files: the
  // demo box makes its own CA and certificate in <dataDir>/tls; a production box must name them.
  tls: Strict({
    enabled: Type.Boolean(),
    certFile: Type.String(),
    keyFile: Type.String(),
    // Plain HTTP here redirects to HTTPS; 0: no redirect listener.
    redirectPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  }),
  dataDir: Type.String({ minLength: 1 }),
  media: Strict({
    // 0: one mediasoup worker per core.
    workers: Type.Integer({ minimum: 0, maximum: 64 }),
    listenIp: Type.String({ minLength: 1 }),
    // The address phones reach the box at (NAT/public); empty: the listen address.
    announcedIp: Type.String(),
    rtcMinPort: Type.Integer({ minimum: 1024, maximum: 65535 }),
    rtcMaxPort: Type.Integer({ minimum: 1024, maximum: 65535 }),
    // ICE over TCP as a fallback for networks that block UDP.
    enableTcp: Type.Boolean(),
    record: Type.Boolean(),
    // The signalling socket's heartbeat; a client silent for a whole period is dropped.
    heartbeatMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
    // Each worker must answer within timeoutMs every intervalMs, or it is killed and restarted.
    watchdog: Strict({
      intervalMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
      timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
    }),
  }),
  registry: Strict({
    // Empty string: the demo registry is started in-process (demo mode only).
    url: Type.String(),
    timeoutMs: Type.Integer({ minimum: 50, maximum: 60000 }),
  }),
  auth: Strict({
    sessionTtlMinutes: Type.Integer({ minimum: 5, maximum: 24 * 60 }),
    maxFailedLogins: Type.Integer({ minimum: 1, maximum: 100 }),
    lockoutMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
  }),
  citizen: Strict({
    tokenTtlHours: Type.Integer({ minimum: 1, maximum: 24 * 30 }),
  }),
  // Per client address, per minute, on the routes anyone on the internet can call.
  rateLimits: Strict({
    reportsPerMinute: Type.Integer({ minimum: 1 }),
    loginsPerMinute: Type.Integer({ minimum: 1 }),
  }),
  // Where citizens' SMS links point (https://…); empty: the address the box listens on (demo, tests).
  links: Strict({ publicBaseUrl: Type.String() }),
  // SMS gateway (empty url: the embedded demo gateway, demo mode only).
  sms: Strict({ url: Type.String(), timeoutMs: Type.Integer({ minimum: 50, maximum: 60000 }) }),
  // Claim-report endpoints of the insurers with one-tap claims (empty: embedded demo insurers).
  insurers: Strict({
    PICC: Type.String(),
    CPIC: Type.String(),
    PINGAN: Type.String(),
    timeoutMs: Type.Integer({ minimum: 50, maximum: 60000 }),
  }),
  // Retries of SMS and claim reports: exponential backoff from baseDelayMs, capped, then failed.
  outbox: Strict({
    maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }),
    baseDelayMs: Type.Integer({ minimum: 10, maximum: 3_600_000 }),
    maxDelayMs: Type.Integer({ minimum: 10, maximum: 86_400_000 }),
    pollMs: Type.Integer({ minimum: 10, maximum: 60_000 }),
  }),
  // On-box OCR of evidence stills (models/): worker threads start with the box when enabled.
  ocr: Strict({
    enabled: Type.Boolean(),
    // 0: min(2, cores).
    workers: Type.Integer({ minimum: 0, maximum: 16 }),
    // The district's own plates (Chengdu: 川A) rank first among uncertain readings.
    homePlatePrefix: Type.String({ pattern: '^[\\u4e00-\\u9fff][A-Z]?$' }),
  }),
  // The city platform: enrolment, heartbeats, configuration rollout, sync.
  platform: Strict({
    url: Type.String(),
    heartbeatSeconds: Type.Integer({ minimum: 5, maximum: 3600 }),
  }),
  // The district's roadside cameras (WGS-84). RTSP URLs may carry credentials: keep them in the local file.
  cameras: Type.Array(Strict({
    id: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    rtspUrl: Type.String({ pattern: '^rtsps?://' }),
  }), { maxItems: 1000 }),
  // Names the rolled-out district file this configuration came from (reported in heartbeats).
  configVersion: Type.String({ minLength: 1, maxLength: 64 }),
  demo: Type.Boolean(),
})
export type Config = Static<typeof ConfigSchema>

export const DEFAULT_CONFIG: Config = {
  district: { id: 'jinjiang', name: '锦江区', issuingUnit: '成都市公安局交通管理局锦江区分局' },
  service: { start: '07:00', end: '19:00', timeZone: 'Asia/Shanghai' },
  http: { host: '127.0.0.1', port: 8443 },
  tls: { enabled: true, certFile: '', keyFile: '', redirectPort: 8080 },
  dataDir: './data',
  media: {
    workers: 0,
    listenIp: '127.0.0.1',
    announcedIp: '',
    rtcMinPort: 40000,
    rtcMaxPort: 40999,
    enableTcp: true,
    record: true,
    heartbeatMs: 10_000,
    watchdog: { intervalMs: 5000, timeoutMs: 5000 },
  },
  registry: { url: '', timeoutMs: 2000 },
  auth: { sessionTtlMinutes: 12 * 60, maxFailedLogins: 5, lockoutMinutes: 15 },
  citizen: { tokenTtlHours: 24 * 7 },
  rateLimits: { reportsPerMinute: 20, loginsPerMinute: 30 },
  links: { publicBaseUrl: '' },
  sms: { url: '', timeoutMs: 5000 },
  insurers: { PICC: '', CPIC: '', PINGAN: '', timeoutMs: 5000 },
  outbox: { maxAttempts: 8, baseDelayMs: 2000, maxDelayMs: 10 * 60_000, pollMs: 1000 },
  ocr: { enabled: true, workers: 0, homePlatePrefix: '川A' },
  platform: { url: '', heartbeatSeconds: 15 },
  cameras: [],
  configVersion: 'default',
  demo: true,
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

export type Json = { [k: string]: unknown }
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Deep merge of plain objects; `over` wins, arrays and scalars are replaced whole. */
export function merge(base: Json, over: Json): Json {
  const out: Json = { ...base }
  for (const [k, v] of Object.entries(over)) {
    out[k] = isObject(v) && isObject(base[k]) ? merge(base[k] as Json, v) : v
  }
  return out
}

/** Checks beyond the schema: relations between keys. Returns problems as `path: reason`. */
function crossChecks(c: Config): string[] {
  const problems: string[] = []
  const { rtcMinPort, rtcMaxPort, workers } = c.media
  if (rtcMaxPort - rtcMinPort + 1 < Math.max(workers, 1) * 2) {
    problems.push('/media/rtcMaxPort: the RTC port range must hold at least 2 ports per worker')
  }
  if (!DISTRICT_IDS.includes(c.district.id)) {
    problems.push(`/district/id: "${c.district.id}" is not one of the 23 districts (${DISTRICT_IDS.join(', ')})`)
  }
  if (c.service.start >= c.service.end) problems.push('/service/end: must be later than /service/start')
  if (!c.demo) {
    if (c.tls.enabled && (!c.tls.certFile || !c.tls.keyFile)) {
      problems.push('/tls/certFile: a production box needs its certificate and key files (issued at enrolment)')
    }
    // Empty endpoints mean embedded demo doubles, which a production box never starts.
    if (!c.sms.url) problems.push('/sms/url: required when demo is false')
    for (const k of ['PICC', 'CPIC', 'PINGAN'] as const) {
      if (!c.insurers[k]) problems.push(`/insurers/${k}: required when demo is false`)
    }
  }
  return problems
}

/** Validates a candidate and names each bad key with its reason. */
export function validateConfig(candidate: unknown): Config {
  if (Value.Check(ConfigSchema, candidate)) {
    const problems = crossChecks(candidate)
    if (problems.length > 0) throw new ConfigError(problems)
    return candidate
  }
  const problems = [...Value.Errors(ConfigSchema, candidate)].map(
    (e) => `${e.path || '/'}: ${e.message}`,
  )
  throw new ConfigError(problems)
}

/** Environment overrides for the keys an operator changes most. */
function envOverrides(env: NodeJS.ProcessEnv): Json {
  const o: Json = {}
  if (env.KUAICHU_DATA_DIR) o.dataDir = env.KUAICHU_DATA_DIR
  if (env.KUAICHU_PORT) o.http = { port: Number(env.KUAICHU_PORT) }
  if (env.KUAICHU_HOST) o.http = { ...(o.http as Json), host: env.KUAICHU_HOST }
  if (env.KUAICHU_TLS) o.tls = { enabled: env.KUAICHU_TLS !== 'off' }
  if (env.KUAICHU_REGISTRY_URL) o.registry = { url: env.KUAICHU_REGISTRY_URL }
  if (env.KUAICHU_OCR) o.ocr = { enabled: env.KUAICHU_OCR !== 'off' }
  if (env.KUAICHU_PLATFORM_URL) o.platform = { url: env.KUAICHU_PLATFORM_URL }
  if (env.KUAICHU_RATE_LIMIT_PER_MINUTE) {
    const n = Number(env.KUAICHU_RATE_LIMIT_PER_MINUTE)
    o.rateLimits = { reportsPerMinute: n, loginsPerMinute: n }
  }
  return o
}

/** Reads one JSON layer; a missing or malformed file is a ConfigError naming the file. */
export function readLayer(file: string): Json {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new ConfigError([`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`])
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new ConfigError([`${file}: not valid JSON (${(e as Error).message})`])
  }
  if (!isObject(parsed)) throw new ConfigError([`${file}: must hold a JSON object`])
  return parsed
}

export interface Layer {
  name: string
  values: Json
}

function has(values: Json, pointer: string): boolean {
  let at: unknown = values
  for (const key of pointer.split('/').filter(Boolean)) {
    if (!isObject(at) || !(key in at)) return false
    at = at[key]
  }
  return true
}

/** Merges layers in order (later wins) and validates; each problem names the layer that set the key. */
export function resolveLayers(layers: Layer[]): Config {
  try {
    return validateConfig(layers.reduce<Json>((acc, l) => merge(acc, l.values), {}))
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    throw new ConfigError(
      e.problems.map((p) => {
        const pointer = p.slice(0, p.indexOf(':'))
        const from = [...layers].reverse().find((l) => pointer.length > 1 && has(l.values, pointer))
        return from ? `${p} (set in ${from.name})` : p
      }),
    )
  }
}

/** The layers in force for this process: defaults, district file, local overrides, environment. */
export function configLayers(env: NodeJS.ProcessEnv = process.env, overrides: Json = {}): Layer[] {
  return [
    { name: 'defaults', values: DEFAULT_CONFIG as unknown as Json },
    ...(env.KUAICHU_DISTRICT_CONFIG ? [{ name: `district file ${env.KUAICHU_DISTRICT_CONFIG}`, values: readLayer(env.KUAICHU_DISTRICT_CONFIG) }] : []),
    ...(env.KUAICHU_CONFIG ? [{ name: `local file ${env.KUAICHU_CONFIG}`, values: readLayer(env.KUAICHU_CONFIG) }] : []),
    { name: 'environment', values: envOverrides(env) },
    { name: 'overrides', values: overrides },
  ]
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Json = {}): Config {
  return resolveLayers(configLayers(env, overrides))
}
