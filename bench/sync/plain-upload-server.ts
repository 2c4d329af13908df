// The yardstick for evidence throughput: a plain HTTP server that streams each PUT body to a file and
// fsyncs it, nothing else. Run as its own process, like the platform.
import { createWriteStream, mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

const dir = process.argv[2]!
mkdirSync(dir, { recursive: true })
let n = 0
const server = createServer((req, res) => {
  // flush: the stream fsyncs the file before it closes it, and pipeline settles after the close.
  pipeline(req, createWriteStream(join(dir, `f${n++}`), { flush: true })).then(
    () => res.writeHead(204).end(),
    () => res.writeHead(500).end(),
  )
})
server.listen(0, '127.0.0.1', () => console.log(`plain upload server on http://127.0.0.1:${(server.address() as { port: number }).port}`))
