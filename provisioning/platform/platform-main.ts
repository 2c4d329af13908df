// Starts the platform's fleet service on its own: admin console at /admin, citizen entry at
// /report. KUAICHU_PLATFORM_DATA (default ./data/platform), KUAICHU_PLATFORM_HOST/PORT.
// The first start creates the admin account and prints its password once (also kept in the data dir, mode 0600).
import { join } from 'node:path'
import { newToken } from '../../appliance/auth/tokens.ts'
import { writeFileDurably } from '../../appliance/durable-write.ts'
import { buildPlatformApp } from './platform-app.ts'

const dataDir = process.env.KUAICHU_PLATFORM_DATA ?? './data/platform'
const host = process.env.KUAICHU_PLATFORM_HOST ?? '127.0.0.1'
const port = Number(process.env.KUAICHU_PLATFORM_PORT ?? 8090)

const { app, admins } = await buildPlatformApp({ dbFile: join(dataDir, 'fleet.db'), secureCookies: process.env.KUAICHU_PLATFORM_HTTPS === '1' })
let created: string | null = null
if (!admins.hasAdmins()) {
  created = newToken().slice(0, 16)
  await admins.createAdmin('admin', created)
  writeFileDurably(join(dataDir, 'admin-password.txt'), `admin ${created}\n`, 0o600)
}
await app.listen({ host, port })
console.log(`快处 fleet platform on http://${host}:${port} — admin console /admin, citizen entry /report`)
if (created) console.log(`admin account created: admin / ${created} (also in ${join(dataDir, 'admin-password.txt')})`)

const stop = () => void app.close()
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
