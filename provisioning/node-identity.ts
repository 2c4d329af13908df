// The box's Ed25519 identity. The private key is created on the box, stored with mode 0600 and
// never leaves it; the public key is what the city platform registers (enrolment) and what
// verifies the box's signatures (determinations, sync batches, heartbeats).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileDurably } from '../appliance/durable-write.ts'

export interface NodeIdentity {
  /** SPKI PEM of the public key. */
  publicKeyPem: string
  /** First 16 hex digits of the sha256 of the public key's DER: names the key in signatures. */
  keyId: string
  /** Ed25519 signature of the bytes, base64. */
  sign(data: Buffer | string): string
}

export const PRIVATE_KEY_FILE = 'node-key.pem'
export const PUBLIC_KEY_FILE = 'node-key.pub.pem'

/** Loads the key pair from dir, creating it on first start. */
export function loadOrCreateNodeIdentity(dir: string): NodeIdentity {
  const privatePath = join(dir, PRIVATE_KEY_FILE)
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true })
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    writeFileDurably(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600)
    writeFileDurably(join(dir, PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }), 0o644)
  }
  return identityFromPrivateKey(createPrivateKey(readFileSync(privatePath)))
}

export function identityFromPrivateKey(privateKey: KeyObject): NodeIdentity {
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
  return {
    publicKeyPem,
    keyId: keyIdOf(publicKeyPem),
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString('base64'),
  }
}

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 16)
}

/** False for a bad signature, a malformed signature or a malformed key; never throws. */
export function verifySignature(publicKeyPem: string, data: Buffer | string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(data), createPublicKey(publicKeyPem), Buffer.from(signatureBase64, 'base64'))
  } catch {
    return false
  }
}
