// The box over HTTPS/WSS under its demo CA: a browser that trusts the CA (pins its key) loads the
// citizen page and completes a call; one that does not is refused; plain HTTP is redirected; the
// security headers are on every response and the pages run under the strict CSP.
import { readFileSync, statSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { get as httpsGet } from 'node:https'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { errorsOf, launchBrowser, newPage } from '../test-support/browser.ts'
import { answerOnConsole, framesDecoded, reportFromPhone } from '../test-support/call-pages.ts'
import { startTestBox } from '../test-support/test-box.ts'
import { spkiHash } from './demo-certificates.ts'

const fetchHeaders = (url: string, ca?: string) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = (url.startsWith('https') ? httpsGet : httpGet)(url, ca ? { ca } : {}, (res) => {
      res.resume()
      resolve({ status: res.statusCode!, headers: res.headers })
    })
    req.on('error', reject)
  })

t.test('HTTPS and WSS under the demo CA', async (t) => {
  const box = await startTestBox({}, { media: true, realTime: true, tls: true })
  t.teardown(box.close)
  t.match(box.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  const ca = readFileSync(box.caFile!, 'utf8')
  for (const key of ['ca.key', 'server.key']) {
    t.equal(statSync(join(box.dataDir, 'tls', key)).mode & 0o777, 0o600, `${key} is readable by the box only`)
  }

  // Headers, checked by a client that trusts only the demo CA.
  const page = await fetchHeaders(`${box.url}/report`, ca)
  t.equal(page.status, 200)
  t.match(page.headers['strict-transport-security'], /max-age=\d{8}/, 'HSTS')
  const csp = String(page.headers['content-security-policy'])
  for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'", 'upgrade-insecure-requests']) {
    t.ok(csp.includes(d), `CSP has ${d}`)
  }
  t.notOk(csp.includes('unsafe-inline') || csp.includes('unsafe-eval'), 'no unsafe-inline or unsafe-eval')
  t.equal(page.headers['x-content-type-options'], 'nosniff')
  const api = await fetchHeaders(`${box.url}/api/health`, ca)
  t.ok(api.headers['strict-transport-security'] && api.headers['content-security-policy'], 'the API carries them too')
  await t.rejects(fetchHeaders(`${box.url}/api/health`), /self-signed|unable to (verify|get)/i, 'a client without the CA refuses the certificate')

  // Plain HTTP is only a redirect to the same path over HTTPS.
  const redirect = await fetchHeaders(`${box.redirectUrl}/report?x=1`)
  t.equal(redirect.status, 308)
  t.equal(redirect.headers.location, `${box.url}/report?x=1`)

  // A browser without the CA is refused; one pinning the CA's key completes a call over WSS.
  const untrusting = await launchBrowser()
  const refused = await newPage(untrusting)
  await t.rejects(refused.goto(`${box.url}/report`), /ERR_CERT_AUTHORITY_INVALID/, 'an untrusting browser is refused')
  await untrusting.close()

  const browser = await launchBrowser({ args: [`--ignore-certificate-errors-spki-list=${spkiHash(ca)}`] })
  t.teardown(() => browser.close())
  const sockets: string[] = []
  const watch = (p: Page) => p.on('websocket', (ws) => sockets.push(ws.url()))
  const { phone, caseId } = await reportFromPhone(browser, box.url, '13800138000', watch)
  const console_ = await answerOnConsole(browser, box, 'seat01', caseId, watch)
  const seen = await framesDecoded(console_, '#citizen-video')
  t.ok(seen.frames >= 5, `video flows over the secure call (${seen.frames} frames in 1.5 s)`)
  t.equal(await phone.evaluate(() => location.protocol), 'https:', 'the citizen page is secure')
  t.equal(await phone.evaluate(() => window.isSecureContext), true, 'a secure context (camera and microphone allowed on phones)')
  t.equal(sockets.length, 2, 'both pages opened their signalling socket')
  t.ok(sockets.every((u) => u.startsWith('wss://')), `signalling over WSS (${sockets.join(', ')})`)
  await console_.click('#capture')
  await console_.waitForSelector('#evidence li[data-sha256]', { timeout: 15_000 })
  t.pass('a still is captured and uploaded over HTTPS')
  const violations = [...errorsOf(phone), ...errorsOf(console_)].filter((e) => /Content Security Policy|Refused to/i.test(e.text))
  t.same(violations, [], 'the pages ran under the CSP without a violation (console errors collected from the first load)')
})
