// Builds the platform's fleet application (its own process and store). Listening is
// platform-main.ts's job, so tests can listen on port 0.
import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import { installErrorReplies } from '../../appliance/http/error-replies.ts'
import { createAdminAuth } from './admin-auth.ts'
import { sqliteBoxRegistry } from './box-registry.ts'
import { createEnrolment } from './enrolment.ts'
import { createFleetView } from './fleet-view.ts'
import { registerFleetRoutes } from './fleet-routes.ts'
import { createRollouts } from './rollouts.ts'
import { openFleetDb } from './store.ts'

export interface PlatformOptions {
  dbFile: string
  now?: () => Date
  secureCookies?: boolean
}

export async function buildPlatformApp({ dbFile, now = () => new Date(), secureCookies = false }: PlatformOptions) {
  const db = openFleetDb(dbFile)
  const registry = sqliteBoxRegistry(db)
  const admins = createAdminAuth(db, now)
  const app = Fastify({ logger: false, bodyLimit: 128 * 1024, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } })
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
  app.addHook('onClose', async () => db.close())
  return { app, db, registry, admins }
}
