// The box's signed HTTP client to the city platform. Signatures use the box's clock corrected by the
// offset measured from the platform's replies, so a box clock hours off still authenticates.
import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
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

/** A reply's body checked against its schema; anything else is refused as SYNC_BAD_REPLY. */
export function checkReply<S extends TSchema>(schema: S, res: { status: number; body: unknown }): Static<S> {
  if (!Value.Check(schema, res.body)) throw new PlatformError(res.status, 'SYNC_BAD_REPLY', [...Value.Errors(schema, res.body)].slice(0, 3).map((e) => `${e.path} ${e.message}`))
  return res.body
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
      let parsed: T & { code?: string; details?: unknown }
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // Not the platform speaking (a proxy's error page, a cut reply).
        throw new PlatformError(res.status, res.status < 400 ? 'SYNC_BAD_REPLY' : 'HTTP_ERROR')
      }
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
