/**
 * Run the demo registry standalone:
 *
 *   npx tsx appliance/registry/demo-registry-main.ts serve [--port 4100] [--host 127.0.0.1] [--no-rebase]
 *
 * Env fallbacks: REGISTRY_DEMO_PORT, REGISTRY_DEMO_HOST. By default all seed
 * dates are rebased to today's date in China so the scenarios always hold.
 * Without the `serve` command it only prints usage and exits (so that test
 * runners that execute every file in this folder do not start a server).
 */
import { parseArgs } from 'node:util'
import { DEMO_RECORDS, startDemoRegistry } from './demo-registry.ts'
import { chinaToday } from './verification.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'no-rebase': { type: 'boolean', default: false },
  },
})

if (positionals[0] !== 'serve') {
  console.error('用法：npx tsx appliance/registry/demo-registry-main.ts serve [--port 4100] [--host 127.0.0.1] [--no-rebase]')
  process.exit(0)
}

const port = Number(values.port ?? process.env.REGISTRY_DEMO_PORT ?? 4100)
const host = values.host ?? process.env.REGISTRY_DEMO_HOST ?? '127.0.0.1'
const today = chinaToday()

const registry = await startDemoRegistry({
  port,
  host,
  ...(values['no-rebase'] ? {} : { rebaseTo: today }),
})

console.log(`演示登记系统已启动：${registry.url}${values['no-rebase'] ? '' : `（日期已对齐到 ${today}）`}`)
for (const [key, r] of Object.entries(DEMO_RECORDS)) {
  console.log(`  ${key.padEnd(18)} ${r.name}\t${r.licenceNumber}\t${r.plate ?? '—'}\t${r.scenario}`)
}

const shutdown = () => {
  registry.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGINT', shutdown)
process.once('SIGTERM', shutdown)
