// Which boxes exist, their district, public key and status. The one interface both the fleet
// routes and the sync ingest use to recognise a box; this is its SQLite implementation.
import type { PlatformDb } from './store.ts'

export type BoxStatus = 'active' | 'revoked'

export interface BoxRecord {
  boxId: string
  districtId: string
  publicKeyPem: string
  keyId: string
  /** Where citizens and officers reach this box (https://…). */
  url: string
  status: BoxStatus
  enrolledAt: string
  revokedAt: string | null
}

export interface BoxRegistry {
  register(box: Omit<BoxRecord, 'status' | 'revokedAt'>): void
  lookup(boxId: string): BoxRecord | undefined
  lookupByKeyId(keyId: string): BoxRecord | undefined
  /** False when the box is unknown or already revoked. */
  revoke(boxId: string, at: string): boolean
  list(): BoxRecord[]
}

const COLUMNS = `box_id AS boxId, district_id AS districtId, public_key_pem AS publicKeyPem, key_id AS keyId,
  url, status, enrolled_at AS enrolledAt, revoked_at AS revokedAt`

export function sqliteBoxRegistry(db: PlatformDb): BoxRegistry {
  const byId = db.prepare(`SELECT ${COLUMNS} FROM boxes WHERE box_id = ?`)
  const byKey = db.prepare(`SELECT ${COLUMNS} FROM boxes WHERE key_id = ?`)
  const all = db.prepare(`SELECT ${COLUMNS} FROM boxes ORDER BY district_id, enrolled_at`)
  const insert = db.prepare(
    `INSERT INTO boxes (box_id, district_id, public_key_pem, key_id, url, status, enrolled_at)
     VALUES (@boxId, @districtId, @publicKeyPem, @keyId, @url, 'active', @enrolledAt)`,
  )
  const revoke = db.prepare(`UPDATE boxes SET status = 'revoked', revoked_at = ? WHERE box_id = ? AND status = 'active'`)
  return {
    register: (box) => void insert.run(box),
    lookup: (boxId) => byId.get(boxId) as BoxRecord | undefined,
    lookupByKeyId: (keyId) => byKey.get(keyId) as BoxRecord | undefined,
    revoke: (boxId, at) => revoke.run(at, boxId).changes === 1,
    list: () => all.all() as BoxRecord[],
  }
}
