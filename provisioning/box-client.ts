// The box's side of the fleet protocol: enrolment and signed messages to the platform.
import { join } from 'node:path'
import { existsSync, renameSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { readJsonFile, writeFileDurably } from '../appliance/durable-write.ts'
import { loadOrCreateNodeIdentity, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, type NodeIdentity } from './node-identity.ts'
import type { BoxMessage, EnrolReply, SignedEnvelope } from './fleet-protocol.ts'

export const ENROLMENT_FILE = 'enrolment.json'

/** What enrolment leaves in the key directory; read by the fleet agent and the sync agent. */
const Enrolled = Type.Object({
  boxId: Type.String({ minLength: 1, maxLength: 64 }),
  districtId: Type.String({ minLength: 1, maxLength: 64 }),
  platformUrl: Type.String({ pattern: '^https?://' }),
}, { additionalProperties: false })
export type Enrolled = Static<typeof Enrolled>

export class PlatformError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${status} ${code}: ${message}`)
  }
}

async function post<T>(platformUrl: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(path, platformUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const reply = (await res.json().catch(() => ({}))) as { code?: string; message?: string }
  if (!res.ok) throw new PlatformError(res.status, reply.code ?? 'UNKNOWN', reply.message ?? '')
  return reply as T
}

/**
 * Enrols this box with a one-time token. `newKey` first sets the current key pair aside (kept,
 * never deleted), for re-enrolment after a revocation.
 */
export async function enrolBox(opts: { platformUrl: string; token: string; keyDir: string; newKey?: boolean }): Promise<Enrolled> {
  if (opts.newKey && existsSync(join(opts.keyDir, PRIVATE_KEY_FILE))) {
    const suffix = `.retired-${new Date().toISOString().replace(/[:.]/g, '')}`
    for (const f of [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]) renameSync(join(opts.keyDir, f), join(opts.keyDir, f + suffix))
  }
  const identity = loadOrCreateNodeIdentity(opts.keyDir)
  const reply = await post<EnrolReply>(opts.platformUrl, '/api/fleet/enrol', {
    token: opts.token,
    publicKeyPem: identity.publicKeyPem,
    proof: identity.sign(opts.token),
  })
  const enrolled = { boxId: reply.boxId, districtId: reply.districtId, platformUrl: opts.platformUrl }
  writeEnrolment(opts.keyDir, enrolled)
  return enrolled
}

export function writeEnrolment(keyDir: string, enrolled: Enrolled) {
  writeFileDurably(join(keyDir, ENROLMENT_FILE), JSON.stringify(enrolled, null, 2) + '\n', 0o644)
}

/** null when the box is not enrolled; a damaged file is an error naming the file and the field. */
export function readEnrolment(keyDir: string): Enrolled | null {
  return readJsonFile(join(keyDir, ENROLMENT_FILE), Enrolled)
}

/** Sends one message in a signed envelope. */
export function sendSigned<T>(enrolled: Enrolled, identity: NodeIdentity, path: string, message: BoxMessage): Promise<T> {
  const payload = JSON.stringify(message)
  const envelope: SignedEnvelope = { boxId: enrolled.boxId, payload, signature: identity.sign(payload) }
  return post<T>(enrolled.platformUrl, path, envelope)
}
