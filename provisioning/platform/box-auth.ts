// One guard for every endpoint a box calls: the envelope names an enrolled, active box, its
// signature verifies over the payload bytes, the payload fits its schema and is recent.
import type { TSchema, Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { fail } from '../../appliance/errors.ts'
import { verifySignature } from '../node-identity.ts'
import { MAX_MESSAGE_AGE_MS, type SignedEnvelope } from '../fleet-protocol.ts'
import type { BoxRecord, BoxRegistry } from './box-registry.ts'

export function verifyBoxMessage<S extends TSchema>(
  registry: Pick<BoxRegistry, 'lookup'>,
  envelope: SignedEnvelope,
  schema: S,
  now: Date,
): { box: BoxRecord; payload: Static<S> } {
  const box = registry.lookup(envelope.boxId)
  if (!box) return fail('FLEET_BOX_UNKNOWN')
  if (box.status !== 'active') return fail('FLEET_BOX_REVOKED')
  if (!verifySignature(box.publicKeyPem, envelope.payload, envelope.signature)) return fail('FLEET_SIGNATURE_INVALID')
  let payload: unknown
  try {
    payload = JSON.parse(envelope.payload)
  } catch {
    return fail('MALFORMED_JSON')
  }
  if (!Value.Check(schema, payload)) {
    return fail('VALIDATION_FAILED', [...Value.Errors(schema, payload)].slice(0, 5).map((e) => ({ path: e.path, message: e.message })))
  }
  const p = payload as Static<S> & { boxId: string; sentAt: string }
  // The payload names its box too, so a signed message cannot be replayed under another id.
  if (p.boxId !== box.boxId) return fail('FLEET_SIGNATURE_INVALID')
  if (Math.abs(now.getTime() - Date.parse(p.sentAt)) > MAX_MESSAGE_AGE_MS) return fail('FLEET_MESSAGE_STALE')
  return { box, payload: p }
}
