// The box signs the canonical JSON of the document's content together with the PDF's sha256 (Ed25519,
// provisioning/node-identity.ts). Anyone holding the box's public key can check a document: edited
// content or a PDF whose hash differs fails, and so does a signature made with another key.
import { createHash } from 'node:crypto'
import { verifySignature, type NodeIdentity } from '../../provisioning/node-identity.ts'
import { canonicalJson, type Json } from './canonical-json.ts'

export const sha256Hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

/** The exact bytes that are signed. */
export const signedPayload = (content: Json, pdfSha256: string) => canonicalJson({ v: 1, content, pdfSha256 })

export function signDocument(identity: NodeIdentity, content: Json, pdfSha256: string) {
  return { signature: identity.sign(signedPayload(content, pdfSha256)), keyId: identity.keyId }
}

export type VerificationFailure = 'SIGNATURE_INVALID' | 'PDF_MISMATCH' | 'DATA_CHANGED'

export interface VerificationResult {
  authentic: boolean
  failures: VerificationFailure[]
}

/**
 * Checks a document: the signature over (content, pdfSha256) under `publicKeyPem`, and, when given,
 * that the PDF bytes hash to the signed sha256 and that the content still equals `currentContent`
 * (the data rebuilt from the case store).
 */
export function verifyDocument(input: {
  content: Json
  pdfSha256: string
  signature: string
  publicKeyPem: string
  pdf?: Buffer
  currentContent?: Json
}): VerificationResult {
  const failures: VerificationFailure[] = []
  if (!verifySignature(input.publicKeyPem, signedPayload(input.content, input.pdfSha256), input.signature)) failures.push('SIGNATURE_INVALID')
  if (input.pdf !== undefined && sha256Hex(input.pdf) !== input.pdfSha256) failures.push('PDF_MISMATCH')
  if (input.currentContent !== undefined && canonicalJson(input.currentContent) !== canonicalJson(input.content)) failures.push('DATA_CHANGED')
  return { authentic: failures.length === 0, failures }
}
