// The demo box's own certificate authority: on first start a local CA and a server certificate
// signed by it are written to <dataDir>/tls (private keys mode 0600); later starts reuse them. A
// tester trusts ca.crt once (or a test pins its SPKI) and the box serves HTTPS/WSS under it. A
// production box gets its certificate at enrolment instead (config tls.certFile/keyFile).
import { createHash, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { writeFileDurably } from '../durable-write.ts'

export interface DemoCertificates {
  /** The server certificate followed by the CA's: the chain the box presents. */
  certFile: string
  keyFile: string
  /** What a tester's browser or phone is told to trust. */
  caFile: string
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Where the demo box keeps its CA and server certificate (pure: creates nothing). */
export function demoCertificateFiles(dataDir: string): DemoCertificates {
  const dir = join(dataDir, 'tls')
  return { certFile: join(dir, 'server-chain.crt'), keyFile: join(dir, 'server.key'), caFile: join(dir, 'ca.crt') }
}

export async function ensureDemoCertificates(dataDir: string, hosts: readonly string[]): Promise<DemoCertificates> {
  const dir = join(dataDir, 'tls')
  const files = demoCertificateFiles(dataDir)
  if (Object.values(files).every((f) => existsSync(f)) && coversHosts(readFileSync(files.certFile, 'utf8'), hosts)) return files
  mkdirSync(dir, { recursive: true, mode: 0o700 })

  const now = new Date()
  const ca = await generate([{ name: 'commonName', value: 'Kuaichu demo box CA' }, { name: 'organizationName', value: 'Kuaichu demo' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + 10 * 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  })
  const server = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    // Browsers refuse server certificates valid for more than 398 days.
    notAfterDate: new Date(now.getTime() + 397 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  })
  writeFileDurably(join(dir, 'ca.key'), ca.private, 0o600)
  writeFileDurably(files.keyFile, server.private, 0o600)
  writeFileDurably(files.caFile, ca.cert, 0o644)
  writeFileDurably(files.certFile, server.cert.trimEnd() + '\n' + ca.cert, 0o644)
  return files
}

/** Whether the certificate names every host (a changed listen address needs a new one). */
function coversHosts(pem: string, hosts: readonly string[]) {
  const cert = new X509Certificate(pem)
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined)
}

/** base64 sha256 of a certificate's public key: what Chromium's --ignore-certificate-errors-spki-list pins. */
export function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('base64')
}
