// A real local HTTP server standing in for an outside system that takes idempotent POSTs (the SMS
// gateway, an insurer): validates the body, dedupes on the Idempotency-Key header, and can be told to
// fail or hang so retries are tested for real. Used by the demo box and by tests.
import Fastify from 'fastify'
import type { TSchema, Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export type DemoFailMode =
  | 'none'
  | 'error500' // every request → HTTP 500
  | 'timeout' // requests hang until hangMs, then 504
  | 'accept-then-hang' // the request is accepted (delivered) but the reply hangs: the caller cannot know

export interface Delivery<B> {
  key: string
  body: B
  reply: Record<string, unknown>
  at: string
}

export interface DemoEndpoint<B> {
  url: string
  /** Accepted requests, one per idempotency key. */
  readonly deliveries: Delivery<B>[]
  /** Every request that arrived, with its key (retries included). */
  readonly requests: Array<{ key: string; at: string }>
  failMode: DemoFailMode
  close(): Promise<void>
}

export async function startDemoEndpoint<S extends TSchema>(opts: {
  path: string
  body: S
  /** The reply for a newly accepted request (its reference / message id). */
  accept: (body: Static<S>, seq: number) => Record<string, unknown>
  onDeliver?: (d: Delivery<Static<S>>) => void
  host?: string
  port?: number
  failMode?: DemoFailMode
  hangMs?: number
}): Promise<DemoEndpoint<Static<S>>> {
  const app = Fastify({ logger: false })
  const hangMs = opts.hangMs ?? 60_000
  const byKey = new Map<string, Delivery<Static<S>>>()
  const pending = new Set<NodeJS.Timeout>()
  const hang = () => new Promise<void>((resolve) => {
    const t = setTimeout(() => { pending.delete(t); resolve() }, hangMs)
    pending.add(t)
  })
  const handle: DemoEndpoint<Static<S>> = {
    url: '',
    deliveries: [],
    requests: [],
    failMode: opts.failMode ?? 'none',
    async close() {
      for (const t of pending) clearTimeout(t)
      await app.close()
    },
  }

  app.post(opts.path, async (req, reply) => {
    const key = req.headers['idempotency-key']
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) return reply.code(400).send({ error: 'Idempotency-Key header required' })
    handle.requests.push({ key, at: new Date().toISOString() })
    if (!Value.Check(opts.body, req.body)) return reply.code(400).send({ error: 'body does not match the protocol' })
    if (handle.failMode === 'error500') return reply.code(500).send({ error: 'injected failure' })
    if (handle.failMode === 'timeout') {
      await hang()
      return reply.code(504).send({ error: 'injected timeout' })
    }
    let d = byKey.get(key)
    if (!d) {
      d = { key, body: req.body as Static<S>, reply: opts.accept(req.body as Static<S>, byKey.size + 1), at: new Date().toISOString() }
      byKey.set(key, d)
      handle.deliveries.push(d)
      opts.onDeliver?.(d)
    }
    if (handle.failMode === 'accept-then-hang') {
      await hang()
      return reply.code(504).send({ error: 'injected timeout after accepting' })
    }
    return d.reply
  })

  const url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 })
  return Object.assign(handle, { url })
}
