// The pages citizens reach from outside a call: 网办进度 (SMS link) and the verification page (QR code).
// Registered on every box, media or not.
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { page } from '../web/pages.ts'
import { bundle } from './web-routes.ts'

export const progressWebRoutes: FastifyPluginAsync = async (app) => {
  const [progress, verify] = await Promise.all([bundle('progress'), bundle('verify')])
  const send = (type: string, body: string) => async (_req: unknown, reply: FastifyReply) =>
    reply.type(type).header('cache-control', 'no-cache').send(body)
  app.get('/progress', { schema: { hide: true } }, send('text/html; charset=utf-8', page('网办进度', 'progress')))
  app.get('/verify/:documentId', { schema: { hide: true } }, send('text/html; charset=utf-8', page('认定书核验', 'verify')))
  app.get('/assets/progress.js', { schema: { hide: true } }, send('text/javascript; charset=utf-8', progress))
  app.get('/assets/verify.js', { schema: { hide: true } }, send('text/javascript; charset=utf-8', verify))
}
