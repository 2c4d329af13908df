// Which boxes exist, their district and public key, revoked or not. The one place the platform asks;
// the fleet's enrolment will write here too (register / revoke).
import { keyIdOf } from '../../provisioning/node-identity.ts'
import { BOX_ID } from '../protocol.ts'
import type { PlatformDb } from './db/store.ts'

export interface BoxRecord {
  boxId: string
  districtId: string
  publicKeyPem: string
  keyId: string
  registeredAt: string
  revokedAt: string | null
}

export type BoxRegistry = ReturnType<typeof createBoxRegistry>

export function createBoxRegistry(db: PlatformDb, now: () => Date = () => new Date()) {
  const byId = db.prepare(
    `SELECT box_id AS boxId, district_id AS districtId, public_key_pem AS publicKeyPem, key_id AS keyId,
            registered_at AS registeredAt, revoked_at AS revokedAt FROM boxes WHERE box_id = ?`,
  )
  return {
    /** Registers a box or replaces its key (re-enrolment); a revoked box stays revoked. */
    register(input: { boxId: string; districtId: string; publicKeyPem: string }): BoxRecord {
      if (!BOX_ID.test(input.boxId)) throw new RangeError(`invalid box id: ${input.boxId}`)
      const keyId = keyIdOf(input.publicKeyPem) // throws on a malformed key
      db.transaction(() => {
        db.prepare(
          `INSERT INTO boxes (box_id, district_id, public_key_pem, key_id, registered_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (box_id) DO UPDATE SET district_id = excluded.district_id,
             public_key_pem = excluded.public_key_pem, key_id = excluded.key_id`,
        ).run(input.boxId, input.districtId, input.publicKeyPem, keyId, now().toISOString())
        db.prepare('INSERT OR IGNORE INTO box_sync (box_id) VALUES (?)').run(input.boxId)
      })()
      return this.lookup(input.boxId)!
    },
    lookup(boxId: string): BoxRecord | undefined {
      return byId.get(boxId) as BoxRecord | undefined
    },
    revoke(boxId: string): boolean {
      return db.prepare('UPDATE boxes SET revoked_at = ? WHERE box_id = ? AND revoked_at IS NULL').run(now().toISOString(), boxId).changes === 1
    },
    list(): BoxRecord[] {
      return db.prepare(
        `SELECT box_id AS boxId, district_id AS districtId, public_key_pem AS publicKeyPem, key_id AS keyId,
                registered_at AS registeredAt, revoked_at AS revokedAt FROM boxes ORDER BY box_id`,
      ).all() as BoxRecord[]
    },
  }
}
