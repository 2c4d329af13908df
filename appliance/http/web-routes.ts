// The citizen page and the officer console: HTML shells and their bundles, built in memory at start.
import { join } from 'node:path'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { build } from 'esbuild'
import { page } from '../web/pages.ts'

const WEB = join(import.meta.dirname, '..', 'web')

export async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [join(WEB, `${entry}.ts`)],
    bundle: true,
    format: 'esm',
    target: 'chrome100',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return out.outputFiles[0]!.text
}

export const webRoutes: FastifyPluginAsync = async (app) => {
  const [citizen, console] = await Promise.all([bundle('citizen'), bundle('console')])
  const html = { citizen: page('事故视频快处', 'citizen'), console: page('视频快处坐席', 'console') }
  const js = (body: string) => async (_req: unknown, reply: FastifyReply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(body)
  const doc = (body: string) => async (_req: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(body)

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console'))
  app.get('/console', { schema: { hide: true } }, doc(html.console))
  app.get('/report', { schema: { hide: true } }, doc(html.citizen))
  app.get('/assets/citizen.js', { schema: { hide: true } }, js(citizen))
  app.get('/assets/console.js', { schema: { hide: true } }, js(console))
}
