// Security headers on every response: a strict Content-Security-Policy (the pages load only their
// own esbuild bundles; the one inline <style> is allowed by its hash), no framing, no sniffing, and
// HSTS plus upgrade-insecure-requests when the box serves HTTPS.
import { createHash } from 'node:crypto'
import type { FastifyHelmetOptions } from '@fastify/helmet'
import { STYLE } from '../web/pages.ts'

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

// @cycjimmy/jsmpeg-player 6.1.2 (the roadside cameras' player in the console) injects the
// stylesheet of its own play/unmute overlay when loaded: first an empty <style>, then its text. The
// console does not use that overlay, but a blocked stylesheet logs CSP errors on every load; these
// two hashes allow exactly those two texts (no 'unsafe-inline'). Another player version changes
// the hash, and the console's browser test (cameras/console-live-view.e2e.test.ts) then fails.
const JSMPEG_OVERLAY_STYLE = ["'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='", "'sha256-lRyplcblLyRa4o+ZUBNzXETDGwKXzgKgrWbiYOwfTLg='"]

export function contentSecurityPolicy(tls: boolean) {
  return {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", sha256(STYLE), ...JSMPEG_OVERLAY_STYLE],
    imgSrc: ["'self'", 'data:', 'blob:'],
    mediaSrc: ["'self'", 'blob:'],
    // 'self' covers the signalling WebSocket on the same host and port (CSP level 3).
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    manifestSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
    ...(tls ? { upgradeInsecureRequests: [] } : {}),
  }
}

export function helmetOptions(tls: boolean): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(tls) },
    // Two years, the preload-list minimum; plain HTTP only ever redirects.
    strictTransportSecurity: tls ? { maxAge: 63_072_000, includeSubDomains: true } : false,
  }
}
