// Enrols this box with the city platform:
//   tsx provisioning/enrol-cli.ts --platform https://platform.example --token <one-time token> [--key-dir DIR] [--new-key]
// The key pair is created here (private key mode 0600) and never leaves the box.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../firmware-config/config.ts'
import { enrolBox, PlatformError } from './box-client.ts'

const { values } = parseArgs({
  options: {
    platform: { type: 'string' },
    token: { type: 'string' },
    'key-dir': { type: 'string' },
    'new-key': { type: 'boolean', default: false },
  },
})

async function main() {
  const platformUrl = values.platform ?? loadConfig().platform.url
  if (!platformUrl || !values.token) {
    console.error('用法: enrol-cli --platform <平台地址> --token <一次性引导令牌> [--key-dir 目录] [--new-key]')
    process.exit(2)
  }
  const keyDir = values['key-dir'] ?? join(loadConfig().dataDir, 'identity')
  const enrolled = await enrolBox({ platformUrl, token: values.token, keyDir, newKey: values['new-key'] })
  console.log(`enrolled: box ${enrolled.boxId}, district ${enrolled.districtId}, platform ${enrolled.platformUrl}`)
}

main().catch((e: unknown) => {
  console.error(e instanceof PlatformError ? `enrolment refused: ${e.message}` : e)
  process.exit(1)
})
