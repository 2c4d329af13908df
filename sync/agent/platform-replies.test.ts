// The agent acts only on replies that match the protocol: a platform (or a proxy in front of it)
// answering 200 with something else is refused as SYNC_BAD_REPLY, and nothing moves: no ack noted,
// no file sent, no downstream document written.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { PATHS } from '../protocol.ts'
import { boxData } from '../test-support/sync-rig.ts'
import { ACK_RECORD_FILE, readAckRecord } from './ack-record.ts'
import { createAgent } from './agent.ts'
import { downstreamFile } from './downstream.ts'
import { openOutboxReader } from './outbox-reader.ts'
import { createPlatformClient, PlatformError } from './platform-client.ts'

type Route = (req: IncomingMessage, res: ServerResponse) => void
const json = (body: unknown): Route => (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
const goodAck = json({ ackedSeq: 0 })

/** A real HTTP server standing in for the platform, answering each path as told. */
async function fakePlatform(t: { teardown(fn: () => unknown): void }, routes: Record<string, Route>) {
  const server = createServer((req, res) => {
    req.resume()
    const route = routes[(req.url ?? '').split('?')[0]!]
    if (route) route(req, res)
    else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

async function agentAgainst(t: { teardown(fn: () => unknown): void }, routes: Record<string, Route>, fileSizes: number[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-agent-replies-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const box = boxData(dataDir)
  box.addCase(fileSizes)
  const outbox = openOutboxReader(join(dataDir, 'kuaichu.db'))
  t.teardown(() => {
    outbox.close()
    box.close()
  })
  const client = createPlatformClient({ baseUrl: await fakePlatform(t, routes), boxId: 'jinjiang-test', identity: box.identity })
  const agent = createAgent({ client, outbox, dataDir, log: () => {}, downstreamEveryMs: 0 })
  return { agent, dataDir }
}

async function badReply(t: { equal(a: unknown, b: unknown): void }, promise: Promise<unknown>) {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  t.equal(err instanceof PlatformError && err.code, 'SYNC_BAD_REPLY')
}

/** Acknowledges whatever batch was sent (its headSeq). */
const ackAll: Route = (req, res) => {
  let text = ''
  req.on('data', (d: Buffer) => (text += d))
  req.on('end', () => json({ ackedSeq: (JSON.parse(text) as { headSeq: number }).headSeq, accepted: 1, duplicates: 0 })(req, res))
}

t.test('an ack that is not a sequence number: refused, nothing noted', async (t) => {
  for (const route of [json({}), json({ ackedSeq: '12' }), json({ ackedSeq: -1 }), ((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>维护中</html>')) as Route]) {
    const { agent, dataDir } = await agentAgainst(t, { [PATHS.ack]: route })
    await badReply(t, agent.syncOnce())
    t.notOk(existsSync(join(dataDir, ACK_RECORD_FILE)), 'no ack record')
  }
})

t.test('a batch reply without a valid ack: refused, the ack noted stays the platform\'s last valid one', async (t) => {
  const { agent, dataDir } = await agentAgainst(t, { [PATHS.ack]: goodAck, [PATHS.batches]: json({ ackedSeq: 9.5, accepted: 1, duplicates: 0 }) })
  await badReply(t, agent.syncOnce())
  t.equal(readAckRecord(dataDir)?.ackedSeq, 0)
})

t.test('a missing-evidence list naming something that is not a sha256: refused, nothing sent', async (t) => {
  let uploads = 0
  const { agent } = await agentAgainst(t, {
    [PATHS.ack]: goodAck,
    [PATHS.batches]: ackAll,
    [PATHS.missingEvidence]: json({ missing: [{ sha256: '../../identity/private.pem', sizeBytes: 10, receivedBytes: 0 }] }),
    [PATHS.uploads]: (_req, res) => {
      uploads++
      res.writeHead(500).end()
    },
  }, [1000])
  await badReply(t, agent.syncOnce())
  t.equal(uploads, 0)
})

t.test('a downstream document without a version: refused, nothing written', async (t) => {
  const { agent, dataDir } = await agentAgainst(t, {
    [PATHS.ack]: goodAck,
    [PATHS.batches]: ackAll,
    [PATHS.missingEvidence]: json({ missing: [] }),
    [PATHS.downstream('config')]: json({ body: { district: 'jinjiang' } }),
  })
  await badReply(t, agent.syncOnce())
  t.notOk(existsSync(downstreamFile(dataDir, 'config')))
})

t.test('the same agent against well-formed replies: syncs (the fake platform speaks the protocol)', async (t) => {
  const { agent, dataDir } = await agentAgainst(t, {
    [PATHS.ack]: goodAck,
    [PATHS.batches]: ackAll,
    [PATHS.missingEvidence]: json({ missing: [] }),
    [PATHS.downstream('config')]: json({ version: 3, body: { district: 'jinjiang' } }),
    // Nothing published under this name yet, as the platform says it.
    [PATHS.downstream('registry')]: (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'SYNC_DOWNSTREAM_NOT_FOUND' })),
  })
  const r = await agent.syncOnce()
  t.ok(r.events > 0)
  t.equal(readAckRecord(dataDir)?.ackedSeq, r.events)
  t.ok(existsSync(downstreamFile(dataDir, 'config')))
})
