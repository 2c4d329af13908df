// The box's fleet agent process (run by pm2 beside the box): heartbeats to the platform, applies
// rolled-out configuration by restarting the box under pm2 and checking /api/health.
// Exits EXIT_NOT_CONFIGURED (and pm2 leaves it stopped) when the box has no platform or is not
// enrolled yet.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { loadConfig } from '../firmware-config/config.ts'
import { EXIT_NOT_CONFIGURED } from '../firmware-config/exit-codes.ts'
import { createBoxAgent } from './box-agent.ts'
import { fetchBoxHealth } from './box-health.ts'
import { readEnrolment } from './box-client.ts'
import { applyDistrictConfig } from './config-apply.ts'
import { callsInProgress, syncBacklog, systemMetrics } from './heartbeat-metrics.ts'
import { loadOrCreateNodeIdentity } from './node-identity.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BOX_PROCESS = process.env.KUAICHU_BOX_PROCESS ?? 'kuaichu-box'
const HEALTH_WAIT_MS = 90_000

const config = loadConfig()
const identityDir = join(config.dataDir, 'identity')
const enrolled = readEnrolment(identityDir)
// The enrolment names the platform; before it there is nothing to report to.
if (!enrolled) {
  console.log(config.platform.url ? `not enrolled: run provisioning/enrol-cli.ts (identity in ${identityDir})` : 'platform.url not set: fleet agent not needed')
  process.exit(EXIT_NOT_CONFIGURED)
}
const districtFile = process.env.KUAICHU_DISTRICT_CONFIG

const softwareVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
const modelsFile = join(ROOT, 'models', 'manifest.json')
const modelsVersion = existsSync(modelsFile)
  ? (({ package: p }) => `${p.name}@${p.version}`)(JSON.parse(readFileSync(modelsFile, 'utf8')) as { package: { name: string; version: string } })
  : 'none'

/** A damaged acknowledgement file must not cost the heartbeat: unknown backlog, said in the log. */
function backlog(): number | null {
  try {
    return syncBacklog(config.dataDir)
  } catch (e) {
    console.error(`sync backlog unknown: ${(e as Error).message}`)
    return null
  }
}

const pm2 = (...args: string[]) => promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'pm2'), args)

const agent = createBoxAgent({
  enrolled,
  identity: loadOrCreateNodeIdentity(identityDir),
  status: async () => ({
    versions: { software: softwareVersion, models: modelsVersion, config: (await fetchBoxHealth(config))?.configVersion ?? config.configVersion },
    system: await systemMetrics(config.dataDir),
    syncBacklog: backlog(),
    callsInProgress: callsInProgress(config.dataDir),
  }),
  apply: async (desired) => {
    if (!districtFile) return { ok: false, error: 'KUAICHU_DISTRICT_CONFIG is not set for this box' }
    return applyDistrictConfig(desired, {
      districtFile,
      env: process.env,
      restart: async () => void (await pm2('restart', BOX_PROCESS, '--update-env')),
      healthy: async (version) => {
        for (const until = Date.now() + HEALTH_WAIT_MS; Date.now() < until; await new Promise((r) => setTimeout(r, 1000))) {
          if ((await fetchBoxHealth(config))?.configVersion === version) return true
        }
        return false
      },
    })
  },
})

let stopping = false
process.once('SIGINT', () => (stopping = true))
process.once('SIGTERM', () => (stopping = true))
while (!stopping) {
  try {
    const result = await agent.tick()
    if (result.applied) console.log(`configuration ${result.applied} applied`)
    if (result.failed) console.error(`configuration ${result.failed} failed; previous kept`)
  } catch (e) {
    console.error(`heartbeat failed: ${(e as Error).message}`)
  }
  await new Promise((r) => setTimeout(r, config.platform.heartbeatSeconds * 1000))
}
