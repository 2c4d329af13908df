// The sync agent process, beside the box (same data directory, its own process):
//   tsx sync/agent/main.ts            run until SIGINT/SIGTERM
//   tsx sync/agent/main.ts identity   create the box key if needed and print where its public key is
// Box id and platform: the box's enrolment (<dataDir>/identity/enrolment.json); not enrolled, the
// box's configuration (platform.url, KUAICHU_PLATFORM_URL) and KUAICHU_BOX_ID (default: the
// district id). KUAICHU_SYNC_BATCH_SIZE: events per batch, at most the protocol's bound.
// Exits EXIT_NOT_CONFIGURED (and pm2 leaves it stopped) when no platform is configured.
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../firmware-config/config.ts'
import { EXIT_NOT_CONFIGURED } from '../../firmware-config/exit-codes.ts'
import { readEnrolment } from '../../provisioning/box-client.ts'
import { loadOrCreateNodeIdentity, PUBLIC_KEY_FILE } from '../../provisioning/node-identity.ts'
import { createAgent } from './agent.ts'
import { openOutboxReader } from './outbox-reader.ts'
import { createPlatformClient } from './platform-client.ts'
import { syncTarget } from './sync-target.ts'

/** The box creates and migrates its database on start; the agent may start first. */
async function openWhenReady(file: string) {
  for (;;) {
    try {
      return openOutboxReader(file)
    } catch (err) {
      console.log(JSON.stringify({ event: 'waiting_for_box_db', error: (err as Error).message }))
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}

try {
  const config = loadConfig()
  const identityDir = join(config.dataDir, 'identity')
  const identity = loadOrCreateNodeIdentity(identityDir)
  const { boxId, districtId, platformUrl } = syncTarget(readEnrolment(identityDir), config, process.env)
  if (process.argv[2] === 'identity') {
    console.log(JSON.stringify({ boxId, districtId, keyId: identity.keyId, publicKeyFile: join(identityDir, PUBLIC_KEY_FILE) }))
  } else if (!platformUrl) {
    console.log(JSON.stringify({ event: 'no_platform', message: 'platform.url not set and the box is not enrolled: sync agent not needed' }))
    process.exitCode = EXIT_NOT_CONFIGURED
  } else {
    const client = createPlatformClient({ baseUrl: platformUrl, boxId, identity })
    const outbox = await openWhenReady(join(config.dataDir, 'kuaichu.db'))
    const batchSize = process.env.KUAICHU_SYNC_BATCH_SIZE ? Number(process.env.KUAICHU_SYNC_BATCH_SIZE) : undefined
    const agent = createAgent({ client, outbox, dataDir: config.dataDir, batchSize })
    const stop = new AbortController()
    process.once('SIGINT', () => stop.abort())
    process.once('SIGTERM', () => stop.abort())
    console.log(JSON.stringify({ event: 'started', boxId, keyId: identity.keyId, platform: client.baseUrl }))
    await agent.run(stop.signal)
    outbox.close()
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
}
