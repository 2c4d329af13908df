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
  // Outside systems; an empty url means the embedded demo double (demo mode only).
  sms: Strict({ url: Type.String() }),
  insurers: Strict({ url: Type.String() }),
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
  http: { host: '127.0.0.1', port: 8080 },
  dataDir: './data',
  media: {
    workers: 0,
    listenIp: '127.0.0.1',
    announcedIp: '',
    rtcMinPort: 40000,
    rtcMaxPort: 40999,
    enableTcp: true,
    record: true,
  },
  registry: { url: '', timeoutMs: 2000 },
  auth: { sessionTtlMinutes: 12 * 60, maxFailedLogins: 5, lockoutMinutes: 15 },
  citizen: { tokenTtlHours: 24 * 7 },
  rateLimits: { reportsPerMinute: 20, loginsPerMinute: 30 },
  sms: { url: '' },
  insurers: { url: '' },
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
    for (const key of ['sms', 'insurers'] as const) {
      if (!c[key].url) problems.push(`/${key}/url: required when demo is false`)
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
  if (env.KUAICHU_REGISTRY_URL) o.registry = { url: env.KUAICHU_REGISTRY_URL }
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
