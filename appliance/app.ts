// Builds the box's HTTP application. Listening is main.ts's job, so tests can inject or listen on port 0.
import Fastify, { type FastifyServerOptions } from 'fastify'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import websocket from '@fastify/websocket'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../firmware-config/config.ts'
import { createLoginService } from './auth/login.ts'
import { createCaseService } from './cases/case-service.ts'
import type { Db } from './db/open.ts'
import { auditRoutes } from './http/audit-routes.ts'
import { authRoutes } from './http/auth-routes.ts'
import { createLiveStreams } from './cameras/live-streams.ts'
import { cameraRoutes } from './http/camera-routes.ts'
import { caseRoutes } from './http/case-routes.ts'
import { citizenRoutes } from './http/citizen-routes.ts'
import { dispatchRoutes } from './http/dispatch-routes.ts'
import { installErrorReplies } from './http/error-replies.ts'
import { mediaRoutes } from './http/media-routes.ts'
import { officerRoutes } from './http/officer-routes.ts'
import { webRoutes } from './http/web-routes.ts'
import { recordCall, recoverRecordings } from './media/record-call.ts'
import { createRoomRegistry } from './media/rooms.ts'
import type { WorkerPool } from './media/worker-pool.ts'
import { MAX_MESSAGE_BYTES } from './media/signalling.ts'
import { authPlugin } from './plugins/auth.ts'
import type { RegistryClient } from './registry/client.ts'

export interface AppDeps {
  config: Config
  db: Db
  registry: RegistryClient
  /** The calls' SFU workers; without them the box serves the case API only (as in the case-core tests). */
  media?: WorkerPool
  now?: () => Date
  logger?: FastifyServerOptions['logger']
}

export async function buildApp({ config, db, registry, media, now = () => new Date(), logger = false }: AppDeps) {
  const app = Fastify({
    logger,
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
  await app.register(cookie)
  await app.register(rateLimit, { global: false })
  await app.register(authPlugin, { db, now })

  const cases = createCaseService({ db, config, registry, now })
  const login = createLoginService(db, config, now)

  await app.register(authRoutes, { db, login, secureCookies: false, loginsPerMinute: config.rateLimits.loginsPerMinute })
  await app.register(citizenRoutes, { db, cases, reportsPerMinute: config.rateLimits.reportsPerMinute })
  await app.register(caseRoutes, { db, cases, now })
  await app.register(dispatchRoutes, { db, cases })
  await app.register(auditRoutes, { db })
  await app.register(officerRoutes, { db, now })
  if (media) {
    const rooms = createRoomRegistry(media, config.media, (room) => {
      if (config.media.record) recordCall(room, config.dataDir, cases)
    })
    app.addHook('onClose', () => rooms.closeAll())
    const recovered = await recoverRecordings(config.dataDir, cases)
    if (recovered > 0) app.log.warn({ recovered }, 'recordings recovered from an unclean stop')
    await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } })
    await app.register(mediaRoutes, { db, cases, rooms, dataDir: config.dataDir, now })
    await app.register(webRoutes)
    const cameraStreams = createLiveStreams()
    app.addHook('onClose', async () => cameraStreams.closeAll())
    await app.register(cameraRoutes, { cameras: config.cameras, streams: cameraStreams })
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.get('/api/health', { schema: { hide: true } }, async () => ({ ok: true, district: config.district.id, configVersion: config.configVersion }))
  return app
}
