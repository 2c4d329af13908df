/**
 * HTTP client for the national registry (see `protocol.ts`).
 *
 * Safety rule: the client never reports a record it cannot fully trust.
 * Anything other than a schema-valid 200 (→ 'found') or a schema-valid 404
 * (→ 'not_found') is 'unreachable': 5xx, other 4xx, timeouts, refused
 * connections, non-JSON or schema-violating bodies, a 404 that is not the
 * registry's own NOT_FOUND body (e.g. a wrong base URL), and a record whose
 * identifier does not match the one asked for. Methods never throw.
 */
import { type TSchema, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import {
  InsuranceRecord,
  LicenceRecord,
  NotFoundBody,
  PATHS,
  VehicleRecord,
  normalizeLicenceNumber,
} from './protocol.ts'
import { normalisePlate } from '../rules/plates.ts'

export type LookupResult<T> =
  | { kind: 'found'; record: T }
  | { kind: 'not_found' }
  | { kind: 'unreachable'; detail: string }

export interface RegistryClientOptions {
  /** e.g. 'http://127.0.0.1:4100' or 'https://registry.example/api/' */
  baseUrl: string
  /** Per-request budget, covering connect, headers and body. */
  timeoutMs: number
}

export interface RegistryClient {
  lookupLicence(number: string): Promise<LookupResult<LicenceRecord>>
  lookupVehicle(plate: string): Promise<LookupResult<VehicleRecord>>
  lookupInsurance(plate: string): Promise<LookupResult<InsuranceRecord>>
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const { timeoutMs } = options
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive number, got ${String(timeoutMs)}`)
  }
  // Ensure a trailing slash so relative paths resolve beneath any base path.
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`)

  async function lookup<S extends TSchema>(
    path: string,
    schema: S,
    matches: (record: Static<S>) => boolean,
  ): Promise<LookupResult<Static<S>>> {
    const url = new URL(path, base)
    let response: Response
    let text: string
    try {
      response = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
      // Body read is covered by the same timeout signal.
      text = await response.text()
    } catch (err) {
      return { kind: 'unreachable', detail: describeFetchError(err, timeoutMs) }
    }

    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return {
        kind: 'unreachable',
        detail: `登记系统返回了无法解析的响应（HTTP ${response.status}，非 JSON）`,
      }
    }

    if (response.status === 200) {
      if (!Value.Check(schema, body)) {
        const first = Value.Errors(schema, body).First()
        const where = first ? `${first.path || '/'}: ${first.message}` : ''
        return { kind: 'unreachable', detail: `登记系统返回的数据格式不符合协议（${where}）` }
      }
      const record = Value.Clean(schema, Value.Clone(body)) as Static<S>
      if (!matches(record)) {
        return { kind: 'unreachable', detail: '登记系统返回的记录与查询号码不一致' }
      }
      return { kind: 'found', record }
    }
    if (response.status === 404) {
      if (Value.Check(NotFoundBody, body)) return { kind: 'not_found' }
      return { kind: 'unreachable', detail: '登记系统返回了非标准的 404 响应（接口地址可能有误）' }
    }
    if (response.status >= 500) {
      return { kind: 'unreachable', detail: `登记系统服务异常（HTTP ${response.status}）` }
    }
    return { kind: 'unreachable', detail: `登记系统返回了意外的状态码（HTTP ${response.status}）` }
  }

  return {
    async lookupLicence(number) {
      const wanted = normalizeLicenceNumber(number)
      if (wanted === '') return { kind: 'not_found' }
      return lookup(PATHS.licence(wanted), LicenceRecord, (r) => normalizeLicenceNumber(r.number) === wanted)
    },
    async lookupVehicle(plate) {
      const wanted = normalisePlate(plate)
      if (wanted === '') return { kind: 'not_found' }
      return lookup(PATHS.vehicle(wanted), VehicleRecord, (r) => normalisePlate(r.plate) === wanted)
    },
    async lookupInsurance(plate) {
      const wanted = normalisePlate(plate)
      if (wanted === '') return { kind: 'not_found' }
      return lookup(PATHS.insurance(wanted), InsuranceRecord, (r) => normalisePlate(r.plate) === wanted)
    },
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return `登记系统响应超时（超过 ${timeoutMs} 毫秒）`
    }
    const cause = (err as Error & { cause?: unknown }).cause
    const code =
      cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : ''
    if (code === 'ECONNREFUSED') return '无法连接登记系统（连接被拒绝）'
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return '无法连接登记系统（域名解析失败）'
    if (code) return `无法连接登记系统（${code}）`
    return `无法连接登记系统（${err.message}）`
  }
  return '无法连接登记系统'
}
