// The city platform's sync endpoints: box ingest (signed), downstream documents, and for the
// platform's administrators the publishing of documents and the per-box sync status. Registered
// in its own encapsulated context: here request bodies stay raw bytes, because the signature
// covers exactly those bytes and batches are parsed only after it verifies. Evidence uploads (tus)
// bypass fastify: see evidence-uploads.ts and provisioning/platform/platform-app.ts.
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../appliance/errors.ts'
import type { BoxRegistry } from '../../provisioning/platform/box-registry.ts'
import type { PlatformDb } from '../../provisioning/platform/store.ts'
import { Batch, DOWNSTREAM_NAMES, MAX_BATCH_BYTES, PATHS, sha256Hex, type DownstreamName, type MissingEvidence } from '../protocol.ts'
import { authenticateBox } from './box-auth.ts'
import { createDownstream, etagOf } from './downstream.ts'
import type { Ingest } from './ingest.ts'
import { statusPage } from './status-page.ts'
import { boxStatuses } from './status.ts'

export interface SyncRouteDeps {
  db: PlatformDb
  registry: BoxRegistry
  ingest: Ingest
  /** Bytes of a file the platform holds from an unfinished upload (0 when none; 'stored' when complete after all). */
  heldBytes: (boxId: string, sha256: string) => Promise<number | 'stored'>
  now: () => Date
  /** Throws unless the request comes from a logged-in platform administrator. */
  requireAdmin: (req: FastifyRequest) => unknown
  /** True when the request comes from a logged-in platform administrator. */
  isAdmin: (req: FastifyRequest) => boolean
}

const checkBatch = TypeCompiler.Compile(Batch)

/** Bodies arrive as bytes (see the content-type parser); parsed here, after any signature check. */
function jsonBody(req: FastifyRequest): unknown {
  try {
    return JSON.parse((req.body as Buffer).toString('utf8'))
  } catch {
    throw new AppError('MALFORMED_JSON')
  }
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  } catch {
    return false
  }
}

const isDownstreamName = (n: string): n is DownstreamName => (DOWNSTREAM_NAMES as readonly string[]).includes(n)

export async function syncRoutes(app: FastifyInstance, { db, registry, ingest, heldBytes, now, requireAdmin, isAdmin }: SyncRouteDeps) {
  const downstream = createDownstream(db, now)
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BATCH_BYTES }, (_req, body, done) => done(null, body))

  const box = (req: FastifyRequest) =>
    authenticateBox(registry, {
      method: req.method,
      pathWithQuery: req.url,
      header: (name) => {
        const v = req.headers[name]
        return Array.isArray(v) ? v[0] : v
      },
      bodySha256: sha256Hex(Buffer.isBuffer(req.body) ? req.body : ''),
    }, now())

  app.post(PATHS.batches, { bodyLimit: MAX_BATCH_BYTES }, async (req) => {
    const sender = box(req)
    const batch = jsonBody(req)
    if (!checkBatch.Check(batch)) {
      throw new AppError('SYNC_BAD_BATCH', [...checkBatch.Errors(batch)].slice(0, 5).map((e) => ({ path: e.path, message: e.message })))
    }
    if (batch.boxId !== sender.boxId) throw new AppError('SYNC_BAD_BATCH', { reason: 'batch names another box' })
    const first = batch.events[0]!.seq
    if (batch.events.some((e, i) => e.seq !== first + i)) throw new AppError('SYNC_BAD_BATCH', { reason: 'sequence numbers not contiguous' })
    const notObject = batch.events.find((e) => !isJsonObject(e.payload))
    if (notObject) throw new AppError('SYNC_BAD_BATCH', { reason: 'payload is not a JSON object', seq: notObject.seq })
    return ingest.ingestBatch(sender.boxId, batch, now())
  })

  app.get(PATHS.ack, async (req) => ({ ackedSeq: ingest.ackedSeq(box(req).boxId, now()) }))

  app.get(PATHS.missingEvidence, async (req) => {
    const sender = box(req)
    const limit = Math.min(500, Math.max(1, Number((req.query as { limit?: string }).limit) || 100))
    const missing: MissingEvidence[] = []
    for (const m of ingest.missingEvidence(sender.boxId, limit)) {
      const held = await heldBytes(sender.boxId, m.sha256)
      if (held !== 'stored') missing.push({ ...m, receivedBytes: held })
    }
    return { missing }
  })

  app.get<{ Params: { name: string } }>(PATHS.downstream(':name'), async (req, reply) => {
    box(req)
    const name = req.params.name
    const doc = isDownstreamName(name) ? downstream.get(name) : undefined
    if (!doc) throw new AppError('SYNC_DOWNSTREAM_NOT_FOUND', { name })
    reply.header('etag', etagOf(doc.version))
    if (req.headers['if-none-match'] === etagOf(doc.version)) return reply.code(304).send()
    return doc
  })

  // Administration (boxes are enrolled and revoked by the fleet routes).
  app.put<{ Params: { name: string } }>('/api/platform/v1/downstream/:name', async (req) => {
    requireAdmin(req)
    if (!isDownstreamName(req.params.name)) throw new AppError('SYNC_DOWNSTREAM_NOT_FOUND', { name: req.params.name })
    const doc = downstream.publish(req.params.name, jsonBody(req))
    return { name: doc.name, version: doc.version }
  })
  app.get('/api/platform/v1/status', async (req) => {
    requireAdmin(req)
    return { now: now().toISOString(), boxes: boxStatuses(db, now()) }
  })
  app.get('/status', { schema: { hide: true } }, async (req, reply) => {
    // Not logged in: the admin console's login page first.
    if (!isAdmin(req)) return reply.redirect('/admin', 303)
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(statusPage(boxStatuses(db, now()), now()))
  })
}
