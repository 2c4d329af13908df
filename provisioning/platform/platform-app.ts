// Builds the city platform: one process, one store, one box registry for the fleet (enrolment,
// heartbeats, rollouts, admin console, citizen entry) and the sync ingest (batches, evidence
// uploads, downstream documents, sync status). Listening is platform-main.ts's job, so tests can
// listen on port 0.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import { fail } from '../../appliance/errors.ts'
import { installErrorReplies } from '../../appliance/http/error-replies.ts'
import { PATHS } from '../../sync/protocol.ts'
import { createEvidenceUploads } from '../../sync/platform/evidence-uploads.ts'
import { createIngest } from '../../sync/platform/ingest.ts'
import { syncRoutes } from '../../sync/platform/sync-routes.ts'
import { createAdminAuth } from './admin-auth.ts'
import { sqliteBoxRegistry } from './box-registry.ts'
import { createEnrolment } from './enrolment.ts'
import { createFleetView } from './fleet-view.ts'
import { registerFleetRoutes } from './fleet-routes.ts'
import { createRollouts } from './rollouts.ts'
import { openPlatformDb } from './store.ts'

export interface PlatformOptions {
  /** platform.db and the received evidence files live here. */
  dataDir: string
  now?: () => Date
  secureCookies?: boolean
  logger?: boolean | { level: string }
}

export async function buildPlatformApp({ dataDir, now = () => new Date(), secureCookies = false, logger = false }: PlatformOptions) {
  const db = openPlatformDb(join(dataDir, 'platform.db'))
  const registry = sqliteBoxRegistry(db)
  const admins = createAdminAuth(db, now)
  const ingest = createIngest(db)
  const uploads = createEvidenceUploads({ dataDir, registry, ingest, now })

  // tus reads its own request streams: evidence uploads never enter fastify.
  let fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void = () => {}
  const app = Fastify({
    logger,
    bodyLimit: 128 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    serverFactory: (handler) => {
      fastifyHandler = handler
      return createServer((req, res) => {
        if (req.url?.startsWith(PATHS.uploads)) void uploads.handle(req, res)
        else fastifyHandler(req, res)
      })
    },
  })
  app.removeContentTypeParser('text/plain')
  installErrorReplies(app)
  await app.register(cookie)
  await app.register(rateLimit, { global: false })
  await registerFleetRoutes(app, {
    registry,
    admins,
    enrolment: createEnrolment(db, registry, now),
    rollouts: createRollouts(db, registry, now),
    fleet: createFleetView(db, registry, now),
    now,
    secureCookies,
  })
  await app.register(syncRoutes, {
    db,
    registry,
    ingest,
    heldBytes: uploads.heldBytes,
    now,
    requireAdmin: (req) => admins.adminOf(req) ?? fail('AUTH_REQUIRED'),
    isAdmin: (req) => admins.adminOf(req) !== null,
  })
  app.addHook('onClose', async () => db.close())
  return { app, db, registry, admins }
}
