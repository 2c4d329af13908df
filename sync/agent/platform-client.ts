// The box's signed HTTP client to the city platform. Signatures use the box's clock corrected by the
// offset measured from the platform's replies, so a box clock hours off still authenticates.
import type { NodeIdentity } from '../../provisioning/node-identity.ts'
import { HEADERS, sha256Hex, signingString } from '../protocol.ts'

export class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(`platform replied ${status} ${code}`)
  }
}

export interface ClockOffset {
  /** Platform time minus box time, in ms. */
  ms: number
}

export function createPlatformClient(opts: { baseUrl: string; boxId: string; identity: NodeIdentity; now?: () => Date; timeoutMs?: number }) {
  const { baseUrl, boxId, identity, now = () => new Date(), timeoutMs = 30_000 } = opts
  const offset: ClockOffset = { ms: 0 }
  const platformNow = () => new Date(now().getTime() + offset.ms)

  function signedHeaders(method: string, pathWithQuery: string, bodySha256: string): Record<string, string> {
    const signedAt = platformNow().toISOString()
    return {
      [HEADERS.boxId]: boxId,
      [HEADERS.keyId]: identity.keyId,
      [HEADERS.signedAt]: signedAt,
      [HEADERS.signature]: identity.sign(signingString(method, pathWithQuery, signedAt, bodySha256)),
    }
  }

  function learnClock(res: Response, sentAt: number, body?: { code?: string; details?: { platformTime?: string } }) {
    const stamp = body?.details?.platformTime ?? res.headers.get('date')
    if (!stamp) return
    const platformMs = Date.parse(stamp)
    // The Date header has 1 s resolution: only correct offsets that matter.
    const measured = platformMs - (sentAt + now().getTime()) / 2
    if (body?.code === 'SYNC_CLOCK_SKEW' || Math.abs(measured - offset.ms) > 2000) offset.ms = measured
  }

  async function request<T>(method: string, path: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
    for (let attempt = 0; ; attempt++) {
      const sentAt = now().getTime()
      const res = await fetch(baseUrl + path, {
        method,
        headers: {
          ...signedHeaders(method, path, sha256Hex(body ?? '')),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...extraHeaders,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      const text = await res.text()
      const parsed = text ? (JSON.parse(text) as T & { code?: string; details?: unknown }) : (undefined as T)
      learnClock(res, sentAt, parsed as never)
      if (res.status < 400) return { status: res.status, body: parsed, headers: res.headers }
      const code = (parsed as { code?: string } | undefined)?.code ?? 'HTTP_ERROR'
      // Once, right away: the reply told us the platform's time.
      if (code === 'SYNC_CLOCK_SKEW' && attempt === 0) continue
      throw new PlatformError(res.status, code, (parsed as { details?: unknown } | undefined)?.details)
    }
  }

  return { request, signedHeaders, offset, baseUrl, boxId }
}
export type PlatformClient = ReturnType<typeof createPlatformClient>
