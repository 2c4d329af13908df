// The certificate the box serves: the configured files (issued at enrolment), or in demo mode the
// box's own local CA and server certificate (see demo-certificates.ts).
import { readFileSync } from 'node:fs'
import type { Config } from '../../firmware-config/config.ts'
import { demoCertificateFiles, ensureDemoCertificates } from './demo-certificates.ts'

export interface ServerTls {
  https: { cert: string; key: string }
  /** The demo CA a tester trusts; null with an enrolled certificate. */
  caFile: string | null
}

/** Names the demo certificate must cover: the listen address, loopback, and the address phones use. */
function demoHosts(config: Config) {
  const wildcard = config.http.host === '0.0.0.0' || config.http.host === '::'
  return [...new Set([...(wildcard ? [] : [config.http.host]), 'localhost', '127.0.0.1', ...(config.media.announcedIp ? [config.media.announcedIp] : [])])]
}

export async function loadServerTls(config: Config): Promise<ServerTls | null> {
  const { tls } = config
  if (!tls.enabled) return null
  if (tls.certFile && tls.keyFile) {
    return { https: { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') }, caFile: null }
  }
  const files = await ensureDemoCertificates(config.dataDir, demoHosts(config))
  return { https: { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') }, caFile: files.caFile }
}

/** The certificate file the box serves (chain, leaf first), or null on plain HTTP. Creates nothing. */
export function servedCertificateFile(config: Config): string | null {
  if (!config.tls.enabled) return null
  return config.tls.certFile || demoCertificateFiles(config.dataDir).certFile
}
