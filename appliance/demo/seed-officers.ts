// Demo officer accounts for a fresh demo box. Passwords are generated on the box at first start and
// kept in the data directory (mode 0600), never in the repository.
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { count } from 'drizzle-orm'
import { appendAudit } from '../audit/audit-log.ts'
import { writeFileDurably } from '../durable-write.ts'
import { hashPassword } from '../auth/passwords.ts'
import type { Role } from '../auth/roles.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'

const DEMO_OFFICERS: Array<{ username: string; displayName: string; badgeNo: string; role: Role }> = [
  { username: 'seat01', displayName: '王警官', badgeNo: '510104001', role: 'seat' },
  { username: 'seat02', displayName: '李警官', badgeNo: '510104002', role: 'seat' },
  { username: 'supervisor01', displayName: '张队长', badgeNo: '510104101', role: 'supervisor' },
  { username: 'field01', displayName: '陈警官', badgeNo: '510104201', role: 'field' },
  { username: 'admin01', displayName: '系统管理员', badgeNo: '510104901', role: 'admin' },
]

export interface DemoAccount {
  username: string
  password: string
  role: Role
  displayName: string
}

/** Creates the demo accounts once; later starts read the same passwords back for the banner. */
export async function seedDemoOfficers(db: Db, dataDir: string, districtId: string, now: Date): Promise<DemoAccount[]> {
  const file = join(dataDir, 'demo-accounts.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoAccount[]
  if ((db.select({ n: count() }).from(s.officers).get()?.n ?? 0) > 0) return []
  const accounts = DEMO_OFFICERS.map((o) => ({ ...o, password: randomBytes(9).toString('base64url') }))
  const rows = await Promise.all(accounts.map(async (a) => ({
    id: randomUUID(),
    username: a.username,
    displayName: a.displayName,
    badgeNo: a.badgeNo,
    role: a.role,
    districtId,
    passwordHash: await hashPassword(a.password),
  })))
  db.transaction((tx) => {
    for (const r of rows) tx.insert(s.officers).values(r).run()
    appendAudit(tx, { type: 'system', id: 'demo-seed' }, 'officer.seeded', null, { usernames: rows.map((r) => r.username) }, now.toISOString())
  })
  const out = accounts.map(({ username, password, role, displayName }) => ({ username, password, role, displayName }))
  writeFileDurably(file, JSON.stringify(out, null, 2))
  return out
}
