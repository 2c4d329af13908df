// `npm run audit:verify [-- path/to/kuaichu.db]`: checks the audit hash chain, names the first broken entry.
import { join } from 'node:path'
import { loadConfig } from '../../firmware-config/config.ts'
import { openDb } from '../db/open.ts'
import { verifyAuditLog } from './audit-log.ts'

const file = process.argv[2] ?? join(loadConfig().dataDir, 'kuaichu.db')
const db = openDb(file)
const report = verifyAuditLog(db)
db.$client.close()
if (report.ok) {
  console.log(`audit chain intact: ${report.entries} entries (${file})`)
} else {
  const b = report.firstBroken!
  console.error(`audit chain BROKEN at entry seq=${b.seq}: ${b.problem} (${file})`)
  process.exitCode = 1
}
