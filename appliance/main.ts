// Starts the district box: configuration, case store, (demo) registry, HTTP server.
import { join } from 'node:path'
import { ConfigError, loadConfig, type Config } from '../firmware-config/config.ts'
import { buildApp } from './app.ts'
import { openDb } from './db/open.ts'
import { withOutsideServices } from './demo/outside-services.ts'
import { seedDemoOfficers } from './demo/seed-officers.ts'
import { createWorkerPool } from './media/worker-pool.ts'
import { createRegistryClient } from './registry/client.ts'
import { startDemoRegistry } from './registry/demo-registry.ts'
import { chinaToday } from './registry/verification.ts'
import { startHttpRedirect } from './tls/http-redirect.ts'
import { loadServerTls } from './tls/server-tls.ts'
import { createPlateReader } from '../models/plate-reader.ts'

async function registryUrl(config: Config, closers: Array<() => Promise<void>>): Promise<string> {
  if (config.registry.url) return config.registry.url
  if (!config.demo) throw new ConfigError(['/registry/url: required when demo is false'])
  // Demo mode: an embedded registry seeded with realistic records, dates aligned to today.
  const demo = await startDemoRegistry({ host: '127.0.0.1', port: 0, rebaseTo: chinaToday() })
  closers.push(() => demo.close())
  return demo.url
}

async function main() {
  const closers: Array<() => Promise<void>> = []
  const config = await withOutsideServices(loadConfig(), closers)
  const db = openDb(join(config.dataDir, 'kuaichu.db'))
  const registry = createRegistryClient({ baseUrl: await registryUrl(config, closers), timeoutMs: config.registry.timeoutMs })
  const accounts = config.demo ? await seedDemoOfficers(db, config.dataDir, config.district.id, new Date()) : []
  const pool = await createWorkerPool(config.media)
  pool.on('stuck', (i) => console.error(`mediasoup worker ${i} stopped answering: killing it`))
  pool.on('died', (i, reason) => console.error(`mediasoup worker ${i} died ${reason}: its calls will resume on a new worker`))
  pool.on('restarted', (i) => console.error(`mediasoup worker ${i} restarted`))
  closers.push(async () => pool.close())
  // OCR workers start with the box, beside the listening socket: a model problem is logged, never fatal.
  const plates = config.ocr.enabled
    ? createPlateReader({ ...(config.ocr.workers > 0 ? { workers: config.ocr.workers } : {}), homePrefix: config.ocr.homePlatePrefix })
    : undefined
  plates?.warmUp().catch((err: unknown) => console.error(`plate OCR unavailable: ${(err as Error).message}`))
  const tls = await loadServerTls(config)
  const app = await buildApp({ config, db, registry, media: pool, plates, logger: { level: process.env.LOG_LEVEL ?? 'info' }, ...(tls ? { https: tls.https } : {}) })
  await app.listen({ host: config.http.host, port: config.http.port })

  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.http.port
  console.log(`\n快处 district box — ${config.district.name} (${config.district.id}) on ${tls ? 'https' : 'http'}://${config.http.host}:${port}`)
  console.log(`officer console: /console   citizen page: /report   OpenAPI: /api/openapi.json   data: ${config.dataDir}`)
  if (tls && config.tls.redirectPort) {
    const redirect = await startHttpRedirect({ host: config.http.host, port: config.tls.redirectPort, httpsPort: port })
    closers.unshift(redirect.close)
    console.log(`plain HTTP on ${redirect.url} redirects to HTTPS`)
  }
  if (tls?.caFile) console.log(`demo certificate authority (trust it in the tester's browser or phone): ${tls.caFile}`)
  if (accounts.length > 0) {
    console.log('demo officer accounts (username / password / role):')
    for (const a of accounts) console.log(`  ${a.username.padEnd(13)} ${a.password}  ${a.role} ${a.displayName}`)
  }

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await app.close()
    for (const close of closers) await close()
    db.$client.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
})
