// The city platform process, and its administration commands on the same store:
//   tsx sync/platform/main.ts [serve]
//   tsx sync/platform/main.ts register-box <boxId> <districtId> <public-key.pem>
//   tsx sync/platform/main.ts revoke-box <boxId>
//   tsx sync/platform/main.ts publish <config|registry> <document.json>
// Environment: KUAICHU_PLATFORM_DATA_DIR (./data/platform), KUAICHU_PLATFORM_HOST (127.0.0.1),
// KUAICHU_PLATFORM_PORT (8090), KUAICHU_PLATFORM_ADMIN_TOKEN (else <data>/admin-token, made on first start).
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileDurably } from '../../appliance/durable-write.ts'
import { DOWNSTREAM_NAMES, type DownstreamName } from '../protocol.ts'
import { buildPlatform } from './app.ts'
import { createBoxRegistry } from './box-registry.ts'
import { openPlatformDb } from './db/store.ts'
import { createDownstream } from './downstream.ts'

const dataDir = process.env.KUAICHU_PLATFORM_DATA_DIR ?? './data/platform'
const db = openPlatformDb(join(dataDir, 'platform.db'))

function adminToken(): string {
  if (process.env.KUAICHU_PLATFORM_ADMIN_TOKEN) return process.env.KUAICHU_PLATFORM_ADMIN_TOKEN
  const file = join(dataDir, 'admin-token')
  if (!existsSync(file)) writeFileDurably(file, randomBytes(24).toString('base64url'), 0o600)
  return readFileSync(file, 'utf8').trim()
}

async function serve() {
  const app = await buildPlatform({ db, dataDir, adminToken: adminToken(), logger: { level: process.env.LOG_LEVEL ?? 'warn' } })
  const url = await app.listen({ host: process.env.KUAICHU_PLATFORM_HOST ?? '127.0.0.1', port: Number(process.env.KUAICHU_PLATFORM_PORT ?? 8090) })
  console.log(`city platform listening on ${url}`)
  console.log(`sync status page: ${url}/status (any user name; password: the admin token in ${join(dataDir, 'admin-token')})`)
  const stop = async () => {
    await app.close()
    db.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

function usage(): never {
  console.error('usage: platform [serve] | register-box <boxId> <districtId> <key.pem> | revoke-box <boxId> | publish <config|registry> <file.json>')
  process.exit(2)
}

const [command = 'serve', ...args] = process.argv.slice(2)
if (command === 'serve') {
  await serve()
} else if (command === 'register-box' && args.length === 3) {
  const box = createBoxRegistry(db).register({ boxId: args[0]!, districtId: args[1]!, publicKeyPem: readFileSync(args[2]!, 'utf8') })
  console.log(`registered box ${box.boxId} (${box.districtId}), key ${box.keyId}`)
  db.close()
} else if (command === 'revoke-box' && args.length === 1) {
  console.log(createBoxRegistry(db).revoke(args[0]!) ? `revoked ${args[0]}` : `no active box ${args[0]}`)
  db.close()
} else if (command === 'publish' && args.length === 2 && (DOWNSTREAM_NAMES as readonly string[]).includes(args[0]!)) {
  const doc = createDownstream(db).publish(args[0] as DownstreamName, JSON.parse(readFileSync(args[1]!, 'utf8')))
  console.log(`published ${doc.name} version ${doc.version}`)
  db.close()
} else {
  usage()
}
