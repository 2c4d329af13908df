// The platform's fleet endpoints: admin login, bootstrap tokens, enrolment, revocation, box
// heartbeats and configuration acknowledgements, rollouts, the admin console and the citizens'
// entry. Box endpoints share one guard (box-auth.ts): a revoked box is refused on every one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { fail } from '../../appliance/errors.ts'
import { ConfigAckPayload, EnrolReply, EnrolRequest, HeartbeatPayload, HeartbeatReply, SignedEnvelope } from '../fleet-protocol.ts'
import { ADMIN_COOKIE, type AdminAuth } from './admin-auth.ts'
import { verifyBoxMessage } from './box-auth.ts'
import type { BoxRegistry } from './box-registry.ts'
import type { Enrolment } from './enrolment.ts'
import type { FleetView } from './fleet-view.ts'
import { citizenEntryPage, consolePage, loginPage } from './pages.ts'
import { routeCitizen } from './routing.ts'
import type { Rollouts } from './rollouts.ts'
import type { FleetActor } from './store.ts'

export interface FleetDeps {
  registry: BoxRegistry
  enrolment: Enrolment
  rollouts: Rollouts
  fleet: FleetView
  admins: AdminAuth
  now: () => Date
  /** Set the Secure flag on the admin cookie (behind HTTPS). */
  secureCookies: boolean
}

const Ok = Type.Object({ ok: Type.Literal(true) })
// Query strings are text; no type coercion anywhere, so the number's shape is checked here.
const Decimal = Type.String({ pattern: '^-?\\d{1,3}(\\.\\d{1,12})?$' })
const BoxIdParams = Type.Object({ boxId: Type.String({ minLength: 1, maxLength: 64 }) })
const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body)

export async function registerFleetRoutes(parent: FastifyInstance, deps: FleetDeps) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>()
  const { registry, enrolment, rollouts, fleet, admins, now } = deps

  const requireAdmin = (req: FastifyRequest): FleetActor => admins.adminOf(req) ?? fail('AUTH_REQUIRED')

  app.post('/api/fleet/admin/login', {
    config: { rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: { body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }) },
  }, async (req, reply) => {
    const { token, expiresAt } = await admins.login(req.body.username, req.body.password)
    reply.setCookie(ADMIN_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, expires: expiresAt })
    return { ok: true as const }
  })

  app.post('/api/fleet/tokens', {
    schema: { body: Type.Object({
      districtId: Type.String({ minLength: 1, maxLength: 32 }),
      boxUrl: Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', maxLength: 300 }),
    }, { additionalProperties: false }) },
  }, async (req, reply) => {
    const admin = requireAdmin(req)
    return reply.code(201).send(enrolment.issueToken(admin, req.body.districtId, req.body.boxUrl))
  })

  app.post('/api/fleet/enrol', {
    config: { rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: { body: EnrolRequest, response: { 201: EnrolReply } },
  }, async (req, reply) => reply.code(201).send(enrolment.enrol(req.body)))

  app.post('/api/fleet/boxes/:boxId/revoke', { schema: { params: BoxIdParams, response: { 200: Ok } } }, async (req) => {
    enrolment.revoke(requireAdmin(req), req.params.boxId)
    return { ok: true as const }
  })

  app.get('/api/fleet/boxes', async (req) => {
    requireAdmin(req)
    return { boxes: fleet.boxes() }
  })

  app.post('/api/fleet/heartbeat', { schema: { body: SignedEnvelope, response: { 200: HeartbeatReply } } }, async (req) => {
    const { box, payload } = verifyBoxMessage(registry, req.body, HeartbeatPayload, now())
    fleet.record(box.boxId, payload)
    return { desiredConfig: rollouts.desiredFor(box.boxId, payload.versions.config) }
  })

  app.post('/api/fleet/config-ack', { schema: { body: SignedEnvelope, response: { 200: Ok } } }, async (req) => {
    const { box, payload } = verifyBoxMessage(registry, req.body, ConfigAckPayload, now())
    rollouts.acknowledge(box.boxId, payload)
    return { ok: true as const }
  })

  app.post('/api/fleet/rollouts', {
    schema: { body: Type.Object({
      target: Type.String({ minLength: 1, maxLength: 64 }),
      document: Type.Record(Type.String(), Type.Unknown()),
    }, { additionalProperties: false }) },
  }, async (req, reply) => {
    const admin = requireAdmin(req)
    return reply.code(201).send(rollouts.start(admin, req.body.document, req.body.target))
  })

  app.get('/api/fleet/rollouts/:id', { schema: { params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,9}$' }) }) } }, async (req) => {
    requireAdmin(req)
    return rollouts.get(Number(req.params.id)) ?? fail('NOT_FOUND')
  })

  app.get('/api/route', {
    config: { rateLimit: { max: 120, timeWindow: 60_000 } },
    schema: { querystring: Type.Object({ lat: Decimal, lng: Decimal }, { additionalProperties: false }) },
  }, async (req) => {
    const [lat, lng] = [Number(req.query.lat), Number(req.query.lng)]
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) fail('VALIDATION_FAILED', [{ path: '/lat', message: 'out of range' }])
    const route = routeCitizen({ lat, lng }, fleet.routable())
    if (!route) return fail('FLEET_NO_BOX_AVAILABLE')
    return {
      boxUrl: route.box.url,
      boxId: route.box.boxId,
      districtId: route.home.id,
      districtName: route.home.name,
      servedBy: route.servedBy.id,
      failover: route.failover,
    }
  })

  app.get('/report', { schema: { hide: true } }, async (_req, reply) => html(reply, citizenEntryPage()))
  app.get('/admin', { schema: { hide: true } }, async (req, reply) => {
    const admin = admins.adminOf(req)
    return html(reply, admin ? consolePage(admin.id, fleet.boxes(), rollouts.recent()) : loginPage())
  })
}
