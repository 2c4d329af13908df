// One JSON POST to an outside system (SMS gateway, insurer) with an idempotency key and a timeout.
// Never throws: the caller decides between retry (transient) and giving up (permanent).
export type PostResult =
  | { ok: true; body: unknown }
  | { ok: false; permanent: boolean; error: string }

export async function postJson(url: string, body: unknown, opts: { idempotencyKey: string; timeoutMs: number }): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': opts.idempotencyKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    })
    const text = await res.text()
    if (!res.ok) {
      // 4xx other than 408/429: the request itself is wrong, retrying will not help.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
      return { ok: false, permanent, error: `HTTP ${res.status}: ${text.slice(0, 200)}` }
    }
    try {
      return { ok: true, body: JSON.parse(text) as unknown }
    } catch {
      return { ok: false, permanent: false, error: `HTTP ${res.status}: not JSON` }
    }
  } catch (e) {
    const err = e as Error
    return { ok: false, permanent: false, error: err.name === 'TimeoutError' ? `timeout after ${opts.timeoutMs} ms` : err.message }
  }
}
