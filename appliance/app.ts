// Builds the box's HTTP application. Listening is main.ts's job, so tests can inject or listen on port 0.
import { join } from 'node:path'
import Fastify, { type FastifyServerOptions } from 'fastify'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import websocket from '@fastify/websocket'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../firmware-config/config.ts'
import { loadOrCreateNodeIdentity } from '../provisioning/node-identity.ts'
import { createLoginService } from './auth/login.ts'
import { createCaseService } from './cases/case-service.ts'
import { createClaimService } from './claims/claim-service.ts'
import { createDocumentService } from './documents/document-service.ts'
import type { Db } from './db/open.ts'
import { auditRoutes } from './http/audit-routes.ts'
import { authRoutes } from './http/auth-routes.ts'
import { createLiveStreams, type LiveStreams } from './cameras/live-streams.ts'
import { cameraRoutes } from './http/camera-routes.ts'
import { caseRoutes } from './http/case-routes.ts'
import { citizenRoutes } from './http/citizen-routes.ts'
import { dispatchRoutes } from './http/dispatch-routes.ts'
import { documentRoutes } from './http/document-routes.ts'
import { notificationRoutes } from './http/notification-routes.ts'
import { progressRoutes } from './http/progress-routes.ts'
import { progressWebRoutes } from './http/progress-web-routes.ts'
import { violationRoutes } from './http/violation-routes.ts'
import { installErrorReplies } from './http/error-replies.ts'
import { mediaRoutes } from './http/media-routes.ts'
import { ocrRoutes } from './http/ocr-routes.ts'
import { officerRoutes } from './http/officer-routes.ts'
import { webRoutes } from './http/web-routes.ts'
import { recordCall, recoverRecordings } from './media/record-call.ts'
import type { CallRecorder } from './media/recorder.ts'
import { createRoomRegistry } from './media/rooms.ts'
import type { WorkerPool } from './media/worker-pool.ts'
import { MAX_FRAME_BYTES } from './media/signalling.ts'
import { createEvidenceOcr } from './ocr/evidence-ocr.ts'
import { authPlugin } from './plugins/auth.ts'
import { smsSenderPass } from './notifications/sender.ts'
import { createSmsGateway } from './notifications/sms-gateway.ts'
import { startRetryLoop } from './deliveries/retry-loop.ts'
import type { PlateReader } from '../models/plate-reader.ts'
import type { RegistryClient } from './registry/client.ts'
import { helmetOptions } from './tls/security-headers.ts'

export interface AppDeps {
  config: Config
  db: Db
  registry: RegistryClient
  /** The calls' SFU workers; without them the box serves the case API only (as in the case-core tests). */
  media?: WorkerPool
  /** Reads plates (and licence cards) off evidence stills (models/); without it stills are stored unread. Closed with the app. */
  plates?: PlateReader
  now?: () => Date
  logger?: FastifyServerOptions['logger']
  /** Serve HTTPS/WSS with this certificate chain and key (PEM); plain HTTP without. */
  https?: { cert: string; key: string }
  /** The roadside cameras' live streams (made here when not given); stopped with the app. */
  cameraStreams?: LiveStreams
}

export async function buildApp({ config, db, registry, media, plates, now = () => new Date(), logger = false, https, cameraStreams = createLiveStreams() }: AppDeps) {
  const app = Fastify({
    logger,
    ...(https ? { https: { ...https, minVersion: 'TLSv1.2' as const } } : {}),
    bodyLimit: 64 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // JSON only: any other body type is refused (415) instead of reaching a handler.
  app.removeContentTypeParser('text/plain')

  installErrorReplies(app)

  await app.register(swagger, {
    openapi: {
      info: { title: 'Kuaichu district box API', version: '0.1.0' },
      components: {
        securitySchemes: {
          officerSession: { type: 'apiKey', in: 'cookie', name: 'kc_session' },
          citizenToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  })
  await app.register(helmet, helmetOptions(Boolean(https)))
  await app.register(cookie)
  await app.register(rateLimit, { global: false })
  await app.register(authPlugin, { db, now })

  // SMS links point at the configured public address, or at the address the box listens on.
  let listenUrl = ''
  app.addHook('onListen', function () {
    const a = this.server.address()
    if (a && typeof a === 'object') listenUrl = `${https ? 'https' : 'http'}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`
  })
  const publicBaseUrl = () => config.links.publicBaseUrl || listenUrl
  const cases = createCaseService({ db, config, registry, now, publicBaseUrl })
  const login = createLoginService(db, config, now)
  const identity = loadOrCreateNodeIdentity(join(config.dataDir, 'identity'))
  const documents = createDocumentService({ db, config, cases, identity, now, publicBaseUrl })
  const claims = createClaimService({ db, config, now })

  // Background deliveries; pending work lives in the database and resumes after a restart.
  const logError = (what: string) => (err: unknown) => app.log.error({ err }, what)
  const smsLoop = config.sms.url
    ? startRetryLoop(config.outbox.pollMs, smsSenderPass(db, createSmsGateway(config.sms.url, config.sms.timeoutMs), config.outbox), logError('sms sender'))
    : null
  const claimLoop = startRetryLoop(config.outbox.pollMs, claims.retryPass, logError('claim retries'))
  app.addHook('onClose', async () => {
    await smsLoop?.stop()
    await claimLoop.stop()
  })
  // Anything written to the outbox during a request is sent at once rather than at the next poll.
  app.addHook('onResponse', async () => smsLoop?.kick())

  await app.register(authRoutes, { db, login, secureCookies: Boolean(https), loginsPerMinute: config.rateLimits.loginsPerMinute })
  await app.register(citizenRoutes, { db, cases, reportsPerMinute: config.rateLimits.reportsPerMinute })
  await app.register(caseRoutes, { db, cases, now, serve: documents.serve })
  await app.register(progressRoutes, { db, cases, documents, claims, now, kick: () => claimLoop.kick() })
  await app.register(documentRoutes, { cases, documents })
  await app.register(notificationRoutes, { db, now, kick: () => smsLoop?.kick() })
  await app.register(progressWebRoutes)
  await app.register(violationRoutes, { db, dataDir: config.dataDir, now })
  await app.register(dispatchRoutes, { db, cases })
  await app.register(auditRoutes, { db })
  await app.register(officerRoutes, { db, now })
  const ocr = plates ? createEvidenceOcr({ db, cases, reader: plates, dataDir: config.dataDir, now, timeZone: config.service.timeZone, log: app.log }) : undefined
  const plateOcr = ocr?.plates
  if (ocr) {
    app.addHook('onClose', () => ocr.close())
    await app.register(ocrRoutes, { cases, ocr, dataDir: config.dataDir })
    const resumed = ocr.resumePending()
    if (resumed.plates + resumed.cards > 0) app.log.warn({ resumed }, 'plate and card readings resumed from an unclean stop')
  }
  if (media) {
    const recorders = new Set<CallRecorder>()
    const rooms = createRoomRegistry(media, config.media, (room) => {
      if (!config.media.record) return
      const recorder = recordCall(room, config.dataDir, cases)
      recorders.add(recorder)
      void recorder.finished.then(() => recorders.delete(recorder))
    })
    // Calls in progress at shutdown: their recordings become evidence before the database closes.
    app.addHook('onClose', async () => {
      await rooms.closeAll()
      await Promise.all([...recorders].map((r) => r.finished))
    })
    const recovered = await recoverRecordings(config.dataDir, cases)
    if (recovered > 0) app.log.warn({ recovered }, 'recordings recovered from an unclean stop')
    await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } })
    await app.register(mediaRoutes, { db, cases, rooms, dataDir: config.dataDir, heartbeatMs: config.media.heartbeatMs, now, ...(plateOcr ? { plateOcr } : {}) })
    await app.register(webRoutes)
    app.addHook('onClose', async () => cameraStreams.closeAll())
    await app.register(cameraRoutes, { cameras: config.cameras, streams: cameraStreams })
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  // The fleet agent asks every 15 s: not worth a log line each time.
  app.get('/api/health', { schema: { hide: true }, logLevel: 'warn' }, async () => ({ ok: true, district: config.district.id, configVersion: config.configVersion }))
  return app
}
