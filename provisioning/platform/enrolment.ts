// Enrolment: an admin issues a one-time bootstrap token for a district; the box proves it holds a
// new key by signing the token; the platform registers the public key. Revocation is final for
// that key: re-enrolment takes a new key and a new token.
import { keyIdOf, verifySignature } from '../node-identity.ts'
import { hashToken, newToken } from '../../appliance/auth/tokens.ts'
import { fail } from '../../appliance/errors.ts'
import { districtById } from '../../firmware-config/districts/districts.ts'
import type { EnrolReply, EnrolRequest } from '../fleet-protocol.ts'
import type { BoxRegistry } from './box-registry.ts'
import { appendFleetAudit, type FleetActor, type PlatformDb } from './store.ts'

export const TOKEN_TTL_MS = 24 * 3600_000

export function createEnrolment(db: PlatformDb, registry: BoxRegistry, now: () => Date) {
  const findToken = db.prepare('SELECT district_id AS districtId, box_url AS boxUrl, expires_at AS expiresAt, used_by_box AS usedBy FROM bootstrap_tokens WHERE token_hash = ?')
  const useToken = db.prepare('UPDATE bootstrap_tokens SET used_by_box = ? WHERE token_hash = ? AND used_by_box IS NULL')

  return {
    issueToken(admin: FleetActor, districtId: string, boxUrl: string) {
      if (!districtById(districtId)) fail('FLEET_DISTRICT_UNKNOWN', { districtId })
      const token = newToken()
      const at = now()
      const expiresAt = new Date(at.getTime() + TOKEN_TTL_MS).toISOString()
      db.transaction(() => {
        db.prepare('INSERT INTO bootstrap_tokens (token_hash, district_id, box_url, issued_by, expires_at) VALUES (?, ?, ?, ?, ?)')
          .run(hashToken(token), districtId, boxUrl, admin.id, expiresAt)
        appendFleetAudit(db, admin, 'fleet.token_issued', null, { districtId, boxUrl, expiresAt }, at.toISOString())
      })()
      return { token, districtId, expiresAt }
    },

    enrol(req: EnrolRequest): EnrolReply {
      const at = now().toISOString()
      return db.transaction(() => {
        const t = findToken.get(hashToken(req.token)) as { districtId: string; boxUrl: string; expiresAt: string; usedBy: string | null } | undefined
        if (!t || t.usedBy || t.expiresAt <= at) fail('FLEET_TOKEN_INVALID')
        if (!verifySignature(req.publicKeyPem, req.token, req.proof)) fail('FLEET_KEY_PROOF_INVALID')
        const keyId = keyIdOf(req.publicKeyPem)
        if (registry.lookupByKeyId(keyId)) fail('FLEET_KEY_ALREADY_ENROLLED', { keyId })
        const boxId = `${t!.districtId}-${keyId.slice(0, 8)}`
        registry.register({ boxId, districtId: t!.districtId, publicKeyPem: req.publicKeyPem, keyId, url: t!.boxUrl, enrolledAt: at })
        useToken.run(boxId, hashToken(req.token))
        appendFleetAudit(db, { type: 'box', id: boxId }, 'fleet.box_enrolled', boxId, { districtId: t!.districtId, keyId, url: t!.boxUrl }, at)
        return { boxId, districtId: t!.districtId, keyId }
      })()
    },

    revoke(admin: FleetActor, boxId: string) {
      const at = now().toISOString()
      db.transaction(() => {
        if (!registry.lookup(boxId)) fail('FLEET_BOX_NOT_FOUND', { boxId })
        if (registry.revoke(boxId, at)) appendFleetAudit(db, admin, 'fleet.box_revoked', boxId, {}, at)
      })()
    },
  }
}
export type Enrolment = ReturnType<typeof createEnrolment>
