// The sync agent process, beside the box (same data directory, its own process):
//   tsx sync/agent/main.ts            run until SIGINT/SIGTERM
//   tsx sync/agent/main.ts identity   create the box key if needed and print where its public key is
// Configuration: the box's own (KUAICHU_CONFIG / KUAICHU_DATA_DIR), plus KUAICHU_PLATFORM_URL
// (http://127.0.0.1:8090), KUAICHU_BOX_ID (default: the district id) and KUAICHU_SYNC_BATCH_SIZE
// (events per batch, at most the protocol's bound).
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../firmware-config/config.ts'
import { loadOrCreateNodeIdentity, PUBLIC_KEY_FILE } from '../../provisioning/node-identity.ts'
import { createAgent } from './agent.ts'
import { openOutboxReader } from './outbox-reader.ts'
import { createPlatformClient } from './platform-client.ts'

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
  const boxId = process.env.KUAICHU_BOX_ID ?? config.district.id
  if (process.argv[2] === 'identity') {
    console.log(JSON.stringify({ boxId, districtId: config.district.id, keyId: identity.keyId, publicKeyFile: join(identityDir, PUBLIC_KEY_FILE) }))
  } else {
    const client = createPlatformClient({ baseUrl: process.env.KUAICHU_PLATFORM_URL ?? 'http://127.0.0.1:8090', boxId, identity })
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
