// The yardstick for evidence throughput: a plain HTTP server that streams each PUT body to a file and
// fsyncs it, nothing else. Run as its own process, like the platform.
import { mkdirSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

const dir = process.argv[2]!
mkdirSync(dir, { recursive: true })
let n = 0
const server = createServer((req, res) => {
  void (async () => {
    const handle = await open(join(dir, `f${n++}`), 'w')
    try {
      await pipeline(req, handle.createWriteStream({ autoClose: false }))
      await handle.sync()
      res.writeHead(204).end()
    } catch {
      res.writeHead(500).end()
    } finally {
      await handle.close()
    }
  })()
})
server.listen(0, '127.0.0.1', () => console.log(`plain upload server on http://127.0.0.1:${(server.address() as { port: number }).port}`))
