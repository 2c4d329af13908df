// Who is calling: every box request carries its id, key id, time and an Ed25519 signature over
// signingString(). Unknown, revoked, wrong-key, tampered and out-of-window requests are refused.
import { AppError } from '../../appliance/errors.ts'
import { verifySignature } from '../../provisioning/node-identity.ts'
import { HEADERS, MAX_CLOCK_SKEW_MS, signingString } from '../protocol.ts'
import type { BoxRecord, BoxRegistry } from '../../provisioning/platform/box-registry.ts'

export interface SignedRequest {
  method: string
  pathWithQuery: string
  header(name: string): string | undefined
  bodySha256: string
}

export function authenticateBox(registry: BoxRegistry, req: SignedRequest, platformNow: Date): BoxRecord {
  const boxId = req.header(HEADERS.boxId)
  const keyId = req.header(HEADERS.keyId)
  const signedAt = req.header(HEADERS.signedAt)
  const signature = req.header(HEADERS.signature)
  if (!boxId || !keyId || !signedAt || !signature) throw new AppError('SYNC_BAD_SIGNATURE', { reason: 'missing headers' })
  const box = registry.lookup(boxId)
  if (!box) throw new AppError('SYNC_UNKNOWN_BOX', { boxId })
  if (box.revokedAt !== null) throw new AppError('SYNC_BOX_REVOKED', { boxId })
  if (keyId !== box.keyId) throw new AppError('SYNC_BAD_SIGNATURE', { reason: 'key not registered for this box' })
  const data = signingString(req.method, req.pathWithQuery, signedAt, req.bodySha256)
  if (!verifySignature(box.publicKeyPem, data, signature)) throw new AppError('SYNC_BAD_SIGNATURE', { reason: 'signature does not verify' })
  // Checked after the signature so a box learns the platform's time only from a genuine request.
  const skew = Date.parse(signedAt) - platformNow.getTime()
  if (!Number.isFinite(skew) || Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    throw new AppError('SYNC_CLOCK_SKEW', { platformTime: platformNow.toISOString(), skewMs: Number.isFinite(skew) ? skew : null })
  }
  return box
}
