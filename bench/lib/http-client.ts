// A tiny HTTP client holding one caller's credentials (officer session cookie or citizen token),
// for setting up data before a load run. Any unexpected status throws with the reply body.
export interface Reply<T = any> {
  status: number
  body: T
}

export class HttpClient {
  cookie = ''
  bearer = ''
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (this.cookie) headers.cookie = this.cookie
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const setCookie = res.headers.get('set-cookie')
    const session = setCookie ? /(?:^|,\s*)(kc_session=[^;]*)/.exec(setCookie)?.[1] : undefined
    if (session) this.cookie = session
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

  /** The call, which must answer with `expected` (default: any 2xx). */
  async must<T = any>(method: string, path: string, body?: unknown, expected?: number): Promise<T> {
    const r = await this.call<T>(method, path, body)
    const ok = expected === undefined ? r.status >= 200 && r.status < 300 : r.status === expected
    if (!ok) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }

  get = <T = any>(path: string) => this.must<T>('GET', path)
  post = <T = any>(path: string, body: unknown = {}) => this.must<T>('POST', path, body)
  patch = <T = any>(path: string, body: unknown) => this.must<T>('PATCH', path, body)
}

/** Logs an officer in; the client then carries the kc_session cookie. */
export async function login(baseUrl: string, username: string, password: string): Promise<HttpClient> {
  const c = new HttpClient(baseUrl)
  await c.post('/api/auth/login', { username, password })
  if (!c.cookie) throw new Error(`login ${username}: no kc_session cookie in the reply`)
  return c
}

/** Runs fn over items with at most `limit` calls in flight; results in input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
