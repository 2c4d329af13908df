// The city platform process, and administration commands on the same store:
//   tsx provisioning/platform/platform-main.ts [serve]
//   tsx provisioning/platform/platform-main.ts issue-token <districtId> <boxUrl>   (one-time enrolment token)
//   tsx provisioning/platform/platform-main.ts publish <config|registry> <document.json>
// Environment: KUAICHU_PLATFORM_DATA_DIR (./data/platform), KUAICHU_PLATFORM_HOST (127.0.0.1),
// KUAICHU_PLATFORM_PORT (8090), KUAICHU_PLATFORM_HTTPS=1 (secure admin cookie behind HTTPS),
// KUAICHU_PLATFORM_ADMIN_PASSWORD (the first admin's password; else one is generated and printed
// once, and kept in <data>/admin-password.txt, mode 0600).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { newToken } from '../../appliance/auth/tokens.ts'
import { writeFileDurably } from '../../appliance/durable-write.ts'
import { createDownstream } from '../../sync/platform/downstream.ts'
import { DOWNSTREAM_NAMES, type DownstreamName } from '../../sync/protocol.ts'
import { sqliteBoxRegistry } from './box-registry.ts'
import { createEnrolment } from './enrolment.ts'
import { buildPlatformApp } from './platform-app.ts'
import { openPlatformDb } from './store.ts'

const dataDir = process.env.KUAICHU_PLATFORM_DATA_DIR ?? './data/platform'

async function serve() {
  const { app, admins } = await buildPlatformApp({
    dataDir,
    secureCookies: process.env.KUAICHU_PLATFORM_HTTPS === '1',
    logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  })
  let created: string | null = null
  if (!admins.hasAdmins()) {
    created = process.env.KUAICHU_PLATFORM_ADMIN_PASSWORD ?? newToken().slice(0, 16)
    await admins.createAdmin('admin', created)
    writeFileDurably(join(dataDir, 'admin-password.txt'), `admin ${created}\n`, 0o600)
  }
  const url = await app.listen({ host: process.env.KUAICHU_PLATFORM_HOST ?? '127.0.0.1', port: Number(process.env.KUAICHU_PLATFORM_PORT ?? 8090) })
  console.log(`city platform listening on ${url} — admin console ${url}/admin, sync status ${url}/status, citizen entry ${url}/report`)
  if (created) console.log(`admin account created: admin / ${created} (also in ${join(dataDir, 'admin-password.txt')})`)
  const stop = () => void app.close()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

function usage(): never {
  console.error('usage: platform [serve] | issue-token <districtId> <boxUrl> | publish <config|registry> <file.json>')
  process.exit(2)
}

const [command = 'serve', ...args] = process.argv.slice(2)
if (command === 'serve') {
  await serve()
} else if (command === 'issue-token' && args.length === 2) {
  const db = openPlatformDb(join(dataDir, 'platform.db'))
  const issued = createEnrolment(db, sqliteBoxRegistry(db), () => new Date()).issueToken({ type: 'system', id: 'platform-cli' }, args[0]!, args[1]!)
  console.log(issued.token)
  db.close()
} else if (command === 'publish' && args.length === 2 && (DOWNSTREAM_NAMES as readonly string[]).includes(args[0]!)) {
  const db = openPlatformDb(join(dataDir, 'platform.db'))
  const doc = createDownstream(db).publish(args[0] as DownstreamName, JSON.parse(readFileSync(args[1]!, 'utf8')))
  console.log(`published ${doc.name} version ${doc.version}`)
  db.close()
} else {
  usage()
}
