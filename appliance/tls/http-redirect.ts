// Plain HTTP on a second port answers every request with a permanent redirect to the HTTPS port of
// the same host name; nothing else is served without TLS.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

// A host name or an IP literal, with an optional port: anything else gets 400, not a redirect.
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})(:[0-9]{1,5})?$/

export async function startHttpRedirect(opts: { host: string; port: number; httpsPort: number }) {
  const server = createServer((req, res) => {
    const m = HOST.exec(req.headers.host ?? '')
    if (!m) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('请使用 HTTPS 访问\n')
      return
    }
    const path = (req.url ?? '/').startsWith('/') ? req.url : '/'
    res.writeHead(308, { location: `https://${m[1]}:${opts.httpsPort}${path}`, connection: 'close' }).end()
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
