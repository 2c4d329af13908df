/**
 * Demo / test-double national registry: a real local HTTP server speaking the
 * protocol in `protocol.ts`, backed by an in-memory seed
 * (`demo-registry-seed.json` by default).
 *
 * Seed scenarios (as of DEMO_REFERENCE_DATE 2026-11-26), keyed like DEMO_RECORDS:
 *   validCar          张伟   510104198503120416 C1 / 川A12345  small-car, 中国人保 — all valid
 *   validNewEnergy    李娜   510107199207181269 C1 / 川AD12345 new-energy automatic, 中国平安 — all valid
 *   c2Licence         王芳   510105199609032087 C2 / 川A7K9M2  manual small-car — licence itself valid; class C2 does
 *                     not cover the vehicle, which eligibility (rules/eligibility.ts) flags, not verification
 *   expiredLicence    刘洋   51010619780225317X C1, expired 2025-02-25 / 川A3B8C6 valid, 中国太平洋
 *   revokedLicence    陈静   510108198805114420 C1, revoked / 川A5F2G7 valid, 中国人保
 *   suspendedLicence  杨磊   510112199001270531 C1, suspended / no vehicle
 *   uninsured         赵敏   510116199406142648 C1 valid / 川A9H3J1 valid, no 交强险 record
 *   expiredInsurance  黄勇   510114197608303719 C1 valid / 川A8E6W1, 中国平安 policy ended 2026-10-19
 *   stolenVehicle     周强   510115198304190955 C1 valid / 川A2L7N5 reported stolen
 *   inspectionExpired 吴霞   510117198702221860 C1 valid / 川A8P4Q3 inspection lapsed 2025-09-30
 *   truck             徐建国 510181197001052335 B2 valid / 川A6R2S8 large-truck, 中华联合 (other insurer)
 *   scrappedVehicle   马超   510113199509284199 C1 valid / 川A0T5U9 scrapped, policy expired 2024-05-31
 *   seizedVehicle     孙丽   510121198910113228 C1 valid / 川AD73529 seized
 *   unknown           —      510107199101015510 (well-formed, absent) / 川A00000 (absent)
 *
 * All licence numbers are resident ID numbers with correct GB 11643 check
 * characters; every vehicle type is a `VehicleTypeCode` of rules/licence-classes.ts. Seed dates are absolute; pass `rebaseTo: chinaToday()` to shift
 * every date so the scenarios hold on any day (the CLI does this).
 *
 * Fault injection for tests: `failMode` option / `handle.setFailMode(mode)`:
 *   'none'      normal behaviour
 *   'error500'  every lookup → HTTP 500
 *   'timeout'   requests hang (until `hangMs`, default 60 s, or close())
 *   'garbage'   HTTP 200 with a truncated, non-JSON body
 *   'malformed' HTTP 200 with well-formed JSON that violates the schema
 */
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import {
  InsuranceRecord,
  IsoDate,
  LicenceRecord,
  VehicleRecord,
  normalizeLicenceNumber,
  type NotFoundBody,
} from './protocol.ts'
import type { VehicleTypeCode } from '../rules/licence-classes.ts'
import { normalisePlate } from '../rules/plates.ts'

export const RegistrySeed = Type.Object({
  /** Date the seed's scenarios are written against (YYYY-MM-DD). */
  referenceDate: Type.Optional(IsoDate),
  licences: Type.Array(LicenceRecord),
  vehicles: Type.Array(VehicleRecord),
  insurance: Type.Array(InsuranceRecord),
})
export type RegistrySeed = Static<typeof RegistrySeed>

export type FailMode = 'none' | 'error500' | 'timeout' | 'garbage' | 'malformed'

export interface DemoRegistryOptions {
  /** 0 (default) = ephemeral port */
  port?: number
  /** default '127.0.0.1' */
  host?: string
  /** default: the bundled demo-registry-seed.json */
  seed?: RegistrySeed
  /** Shift all seed dates so that `seed.referenceDate` becomes this date. */
  rebaseTo?: string
  failMode?: FailMode
  /** How long a request hangs in 'timeout' mode before a 504 (default 60000). */
  hangMs?: number
}

export interface DemoRegistryHandle {
  /** Base URL, e.g. 'http://127.0.0.1:43125' (no trailing slash). */
  url: string
  port: number
  close(): Promise<void>
  setFailMode(mode: FailMode): void
  readonly failMode: FailMode
  /** Paths of all requests received so far (decoded), oldest first. */
  requests(): string[]
}

export const DEMO_REFERENCE_DATE = '2026-11-26'

export interface DemoRecord {
  name: string
  licenceNumber: string
  plate: string | null
  /** Registered vehicle type (or the type to declare when there is no vehicle). */
  vehicleType: VehicleTypeCode
  /** zh-CN description of the scenario */
  scenario: string
}

/** Well-known records of the bundled seed, for tests and demos. */
export const DEMO_RECORDS = {
  validCar: { name: '张伟', licenceNumber: '510104198503120416', plate: '川A12345', vehicleType: 'small-car', scenario: '证照齐全有效（中国人保）' },
  validNewEnergy: { name: '李娜', licenceNumber: '510107199207181269', plate: '川AD12345', vehicleType: 'small-car-automatic', scenario: '新能源车，证照齐全有效（中国平安）' },
  c2Licence: { name: '王芳', licenceNumber: '510105199609032087', plate: '川A7K9M2', vehicleType: 'small-car', scenario: 'C2驾驶证驾驶手动挡小型汽车（驾驶证本身有效，准驾车型不符由资格审查判定）' },
  expiredLicence: { name: '刘洋', licenceNumber: '51010619780225317X', plate: '川A3B8C6', vehicleType: 'small-car', scenario: '驾驶证已过期' },
  revokedLicence: { name: '陈静', licenceNumber: '510108198805114420', plate: '川A5F2G7', vehicleType: 'small-car-automatic', scenario: '驾驶证已吊销' },
  suspendedLicence: { name: '杨磊', licenceNumber: '510112199001270531', plate: null, vehicleType: 'small-car', scenario: '驾驶证暂扣，名下无车辆' },
  uninsured: { name: '赵敏', licenceNumber: '510116199406142648', plate: '川A9H3J1', vehicleType: 'small-car-automatic', scenario: '车辆未投保交强险' },
  expiredInsurance: { name: '黄勇', licenceNumber: '510114197608303719', plate: '川A8E6W1', vehicleType: 'small-car', scenario: '交强险已过期' },
  stolenVehicle: { name: '周强', licenceNumber: '510115198304190955', plate: '川A2L7N5', vehicleType: 'small-car-automatic', scenario: '被盗抢车辆' },
  inspectionExpired: { name: '吴霞', licenceNumber: '510117198702221860', plate: '川A8P4Q3', vehicleType: 'small-car', scenario: '逾期未年检' },
  truck: { name: '徐建国', licenceNumber: '510181197001052335', plate: '川A6R2S8', vehicleType: 'large-truck', scenario: 'B2驾驶证，大型货车，其他保险公司（中华联合）' },
  scrappedVehicle: { name: '马超', licenceNumber: '510113199509284199', plate: '川A0T5U9', vehicleType: 'small-car', scenario: '报废车辆，交强险已过期' },
  seizedVehicle: { name: '孙丽', licenceNumber: '510121198910113228', plate: '川AD73529', vehicleType: 'small-car-automatic', scenario: '查封/扣押车辆' },
  unknown: { name: '（无此人）', licenceNumber: '510107199101015510', plate: '川A00000', vehicleType: 'small-car', scenario: '登记系统中无记录' },
} as const satisfies Record<string, DemoRecord>

export type DemoRecordKey = keyof typeof DEMO_RECORDS

const SEED_URL = new URL('./demo-registry-seed.json', import.meta.url)

/** Load and validate the bundled seed (a fresh copy on every call). */
export function loadDemoSeed(): RegistrySeed {
  return parseSeed(JSON.parse(readFileSync(SEED_URL, 'utf8')))
}

function parseSeed(input: unknown): RegistrySeed {
  if (!Value.Check(RegistrySeed, input)) {
    const first = Value.Errors(RegistrySeed, input).First()
    throw new Error(`Invalid registry seed at ${first?.path ?? '?'}: ${first?.message ?? 'unknown error'}`)
  }
  // Strip documentation keys such as "_doc" and detach from the caller's object.
  return Value.Clean(RegistrySeed, Value.Clone(input)) as RegistrySeed
}

const DAY_MS = 86_400_000

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** Copy of `seed` with every date moved so that its referenceDate becomes `to`. */
export function rebaseSeed(seed: RegistrySeed, to: string): RegistrySeed {
  if (!Value.Check(IsoDate, to)) throw new TypeError(`rebaseTo must be YYYY-MM-DD, got ${JSON.stringify(to)}`)
  const from = seed.referenceDate ?? DEMO_REFERENCE_DATE
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
  const s = (d: string) => shiftDate(d, days)
  return {
    referenceDate: to,
    licences: seed.licences.map((r) => ({ ...r, classes: [...r.classes], validFrom: s(r.validFrom), validUntil: s(r.validUntil) })),
    vehicles: seed.vehicles.map((r) => ({ ...r, inspectionValidUntil: s(r.inspectionValidUntil) })),
    insurance: seed.insurance.map((r) => ({ ...r, validFrom: s(r.validFrom), validUntil: s(r.validUntil) })),
  }
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url)
  } catch {
    return url
  }
}

const NOT_FOUND: NotFoundBody = { code: 'NOT_FOUND' }
const FAIL_MODES: readonly FailMode[] = ['none', 'error500', 'timeout', 'garbage', 'malformed']

export async function startDemoRegistry(options: DemoRegistryOptions = {}): Promise<DemoRegistryHandle> {
  let seed = options.seed ? parseSeed(options.seed) : loadDemoSeed()
  if (options.rebaseTo !== undefined) seed = rebaseSeed(seed, options.rebaseTo)
  const hangMs = options.hangMs ?? 60_000
  let failMode: FailMode = 'none'
  const setFailMode = (mode: FailMode): void => {
    if (!FAIL_MODES.includes(mode)) throw new TypeError(`unknown failMode ${String(mode)}`)
    failMode = mode
  }
  setFailMode(options.failMode ?? 'none')

  const licences = new Map(seed.licences.map((r) => [normalizeLicenceNumber(r.number), r]))
  const vehicles = new Map(seed.vehicles.map((r) => [normalisePlate(r.plate), r]))
  const insurance = new Map(seed.insurance.map((r) => [normalisePlate(r.plate), r]))
  const log: string[] = []
  const hanging = new Set<() => void>()

  const app = Fastify({ logger: false, forceCloseConnections: true })

  app.addHook('onRequest', async (request, reply) => {
    log.push(safeDecode(request.url))
    switch (failMode) {
      case 'none':
        return
      case 'error500':
        return reply.code(500).send({ code: 'INTERNAL_ERROR', message: '登记系统内部错误（模拟故障）' })
      case 'garbage':
        return reply.code(200).header('content-type', 'application/json; charset=utf-8').send('{"number":"5101\u0000<html>502 Bad Gateway')
      case 'malformed':
        return reply.code(200).send({ number: 510104, status: 'ok', classes: 'C1' })
      case 'timeout': {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer)
            hanging.delete(done)
            resolve()
          }
          const timer = setTimeout(done, hangMs)
          hanging.add(done)
        })
        return reply.code(504).send({ code: 'GATEWAY_TIMEOUT' })
      }
    }
  })

  app.get<{ Params: { number: string } }>('/v1/licences/:number', async (request, reply) => {
    const record = licences.get(normalizeLicenceNumber(request.params.number))
    return record ? record : reply.code(404).send(NOT_FOUND)
  })
  app.get<{ Params: { plate: string } }>('/v1/vehicles/:plate', async (request, reply) => {
    const record = vehicles.get(normalisePlate(request.params.plate))
    return record ? record : reply.code(404).send(NOT_FOUND)
  })
  app.get<{ Params: { plate: string } }>('/v1/insurance/:plate', async (request, reply) => {
    const record = insurance.get(normalisePlate(request.params.plate))
    return record ? record : reply.code(404).send(NOT_FOUND)
  })

  app.addHook('preClose', async () => {
    for (const release of [...hanging]) release()
  })

  const host = options.host ?? '127.0.0.1'
  await app.listen({ port: options.port ?? 0, host })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('demo registry: unexpected server address')
  const urlHost =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | null = null
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close() {
      closing ??= app.close()
      return closing
    },
    setFailMode,
    get failMode() {
      return failMode
    },
    requests: () => [...log],
  }
}
