// The city platform's HTTP side: box ingest (signed), tus evidence uploads, downstream documents,
// and the admin API and status page. Built by a function; main.ts only listens.
import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { Type } from '@sinclair/typebox'
import Fastify, { type FastifyError, type FastifyRequest } from 'fastify'
import { AppError, ERRORS } from '../../appliance/errors.ts'
import { Batch, DOWNSTREAM_NAMES, MAX_BATCH_BYTES, PATHS, sha256Hex, type DownstreamName } from '../protocol.ts'
import { authenticateBox } from './box-auth.ts'
import { createBoxRegistry } from './box-registry.ts'
import type { PlatformDb } from './db/store.ts'
import { createDownstream, etagOf } from './downstream.ts'
import { createEvidenceUploads } from './evidence-uploads.ts'
import { createIngest } from './ingest.ts'
import { statusPage } from './status-page.ts'
import { boxStatuses } from './status.ts'

export interface PlatformDeps {
  db: PlatformDb
  dataDir: string
  /** Bearer token (or Basic password) of the platform's administrators. */
  adminToken: string
  now?: () => Date
  logger?: boolean | { level: string }
}

const checkBatch = TypeCompiler.Compile(Batch)
const checkRegister = TypeCompiler.Compile(Type.Object(
  { boxId: Type.String({ minLength: 1, maxLength: 64 }), districtId: Type.String({ minLength: 1, maxLength: 64 }), publicKeyPem: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
))

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

export async function buildPlatform({ db, dataDir, adminToken, now = () => new Date(), logger = false }: PlatformDeps) {
  const registry = createBoxRegistry(db, now)
  const ingest = createIngest(db)
  const downstream = createDownstream(db, now)
  const tus = createEvidenceUploads({ dataDir, registry, ingest, now })

  // tus reads its own request streams: those requests never enter fastify.
  let fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void = () => {}
  const app = Fastify({
    logger,
    bodyLimit: MAX_BATCH_BYTES,
    serverFactory: (handler) => {
      fastifyHandler = handler
      return createServer((req, res) => {
        if (req.url?.startsWith(PATHS.uploads)) void tus.handle(req, res)
        else fastifyHandler(req, res)
      })
    },
  })

  app.setErrorHandler((err: FastifyError, req, reply) => {
    let code: keyof typeof ERRORS = 'INTERNAL'
    let details: unknown
    if (err instanceof AppError) {
      code = err.code
      details = err.details
    } else if (err.validation) {
      code = 'VALIDATION_FAILED'
      details = err.validation.map((v) => ({ path: v.instancePath, message: v.message }))
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') code = 'BODY_TOO_LARGE'
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') code = 'UNSUPPORTED_MEDIA_TYPE'
    else if (err.statusCode === 400) code = 'MALFORMED_JSON'
    if (code === 'INTERNAL') req.log.error({ err }, 'unhandled error')
    reply.code(ERRORS[code].status).send({ code, message: ERRORS[code].message, ...(details !== undefined ? { details } : {}) })
  })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: ERRORS.NOT_FOUND.message }))
  // The signature covers the exact bytes, so batches are parsed only after it verifies.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))

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

  function requireAdmin(req: FastifyRequest) {
    const auth = req.headers.authorization ?? ''
    const given = auth.startsWith('Bearer ')
      ? auth.slice(7)
      : auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') : ''
    const a = Buffer.from(given)
    const b = Buffer.from(adminToken)
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('PLATFORM_ADMIN_REQUIRED')
  }

  app.post(PATHS.batches, async (req) => {
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
    return { missing: ingest.missingEvidence(sender.boxId, limit) }
  })

  const isDownstreamName = (n: string): n is DownstreamName => (DOWNSTREAM_NAMES as readonly string[]).includes(n)

  app.get<{ Params: { name: string } }>(PATHS.downstream(':name'), async (req, reply) => {
    box(req)
    const name = req.params.name
    const doc = isDownstreamName(name) ? downstream.get(name) : undefined
    if (!doc) throw new AppError('SYNC_DOWNSTREAM_NOT_FOUND', { name })
    reply.header('etag', etagOf(doc.version))
    if (req.headers['if-none-match'] === etagOf(doc.version)) return reply.code(304).send()
    return doc
  })

  // Administration: register and revoke boxes, publish documents, watch the fleet's sync.
  app.post('/api/platform/v1/boxes', async (req, reply) => {
    requireAdmin(req)
    const body = jsonBody(req)
    if (!checkRegister.Check(body)) throw new AppError('VALIDATION_FAILED', [...checkRegister.Errors(body)].slice(0, 5).map((e) => ({ path: e.path, message: e.message })))
    try {
      const r = registry.register(body)
      return reply.code(201).send({ boxId: r.boxId, districtId: r.districtId, keyId: r.keyId })
    } catch (err) {
      throw new AppError('VALIDATION_FAILED', { reason: (err as Error).message })
    }
  })
  app.post<{ Params: { boxId: string } }>('/api/platform/v1/boxes/:boxId/revoke', async (req) => {
    requireAdmin(req)
    if (!registry.lookup(req.params.boxId)) throw new AppError('SYNC_UNKNOWN_BOX', { boxId: req.params.boxId })
    registry.revoke(req.params.boxId)
    return { boxId: req.params.boxId, revoked: true }
  })
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
  app.get('/status', async (req, reply) => {
    try {
      requireAdmin(req)
    } catch {
      // The browser asks the administrator for the token (any user name, token as password).
      return reply.code(401).header('www-authenticate', 'Basic realm="kuaichu-platform", charset="UTF-8"').type('text/html; charset=utf-8').send('需要平台管理员凭据')
    }
    return reply.type('text/html; charset=utf-8').send(statusPage(boxStatuses(db, now()), now()))
  })

  return app
}
