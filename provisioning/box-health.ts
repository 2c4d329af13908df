// The fleet agent's view of its own box: GET /api/health on the box's port. Over HTTPS the box's
// certificate is pinned to the one it is configured to serve (demo CA or enrolled), so the probe
// needs no CA and accepts nothing else.
import { X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { Config } from '../firmware-config/config.ts'
import { servedCertificateFile } from '../appliance/tls/server-tls.ts'

export interface BoxHealth {
  configVersion: string
}

const TIMEOUT_MS = 3000

export function boxLocalUrl(config: Config): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host
  return `${config.tls.enabled ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`
}

/** The box's health reply, or null when it does not answer well (down, starting, wrong certificate). */
export async function fetchBoxHealth(config: Config): Promise<BoxHealth | null> {
  const url = `${boxLocalUrl(config)}/api/health`
  const certFile = servedCertificateFile(config)
  if (!certFile) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
      return res.ok ? ((await res.json()) as BoxHealth) : null
    } catch {
      return null
    }
  }
  if (!existsSync(certFile)) return null // the box has not made its certificate yet
  const expected = new X509Certificate(readFileSync(certFile)).fingerprint256
  return new Promise((resolve) => {
    // rejectUnauthorized off: the pin below is stricter than a CA check for this one loopback call.
    const req = request(url, { rejectUnauthorized: false, timeout: TIMEOUT_MS }, (res) => {
      if ((res.socket as TLSSocket).getPeerCertificate().fingerprint256 !== expected || res.statusCode !== 200) {
        res.destroy()
        return resolve(null)
      }
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => { body += d })
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as BoxHealth)
        } catch {
          resolve(null)
        }
      })
      res.on('error', () => resolve(null))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(null))
    req.end()
  })
}
