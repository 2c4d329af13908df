// The platform's refusals and bookkeeping over real HTTP: signatures, identities, clock skew,
// dedupe, contiguous ack, evidence verification, downstream by ETag.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { identityFromPrivateKey, loadOrCreateNodeIdentity } from '../../provisioning/node-identity.ts'
import { startTestPlatform } from '../../provisioning/platform/test-platform.ts'
import { pullDownstream, readApplied } from '../agent/downstream.ts'
import { uploadEvidence } from '../agent/evidence-upload.ts'
import { createPlatformClient, PlatformError } from '../agent/platform-client.ts'
import { canonicalJson, PATHS, sha256Hex, UNSIGNED_BODY, type SyncEvent } from '../protocol.ts'
import { evidenceFilePath } from './evidence-uploads.ts'

const newIdentity = () => identityFromPrivateKey(generateKeyPairSync('ed25519').privateKey)

/** A real platform on the machine's clock (requests are signed with the time), admin logged in. */
async function platform(t: { teardown(fn: () => unknown): void }) {
  const p = await startTestPlatform('real')
  t.teardown(() => p.close())
  const admin = (method: string, path: string, body?: unknown) => p.admin.call(method, path, body)
  /** Enrols a box of the district through the fleet's one-time token; its key and sync client. */
  async function enrol(districtId: string, opts: { now?: () => Date } = {}) {
    const box = await p.enrol(districtId)
    const identity = loadOrCreateNodeIdentity(box.keyDir)
    const boxId = box.enrolled.boxId
    return { boxId, identity, client: createPlatformClient({ baseUrl: p.url, boxId, identity, ...opts }) }
  }
  return { url: p.url, dir: p.dir, db: p.db, admin, enrol }
}

const event = (seq: number, extra: Partial<SyncEvent> = {}): SyncEvent => ({
  seq, entity: 'cases', entityId: `c${seq}`, op: 'upsert', caseId: `c${seq}`, payload: JSON.stringify({ id: `c${seq}`, state: 'reported' }), at: new Date().toISOString(), ...extra,
})
const batchBody = (boxId: string, events: SyncEvent[], boxTime = new Date()) =>
  canonicalJson({ v: 1, boxId, events, headSeq: events[events.length - 1]!.seq, boxTime: boxTime.toISOString() })

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof PlatformError ? e.code : String(e)))

t.test('signed batches: accepted, deduplicated, acknowledged up to the first gap', async (t) => {
  const p = await platform(t)
  const { boxId: wuhou, client } = await p.enrol('wuhou')
  const post = (events: SyncEvent[]) => client.request<{ ackedSeq: number; accepted: number; duplicates: number }>('POST', PATHS.batches, batchBody(wuhou, events)).then((r) => r.body)

  t.same(await post([event(1), event(2)]), { ackedSeq: 2, accepted: 2, duplicates: 0 })
  t.same(await post([event(1), event(2)]), { ackedSeq: 2, accepted: 0, duplicates: 2 }, 'a redelivered batch is stored once')
  t.same(await post([event(5), event(6)]), { ackedSeq: 2, accepted: 2, duplicates: 0 }, 'a gap holds the ack back')
  t.same(await post([event(3), event(4)]), { ackedSeq: 6, accepted: 2, duplicates: 0 }, 'filling the gap acknowledges everything contiguous')
  t.equal(p.db.prepare("SELECT count(*) FROM records WHERE box_id = ?").pluck().get(wuhou), 6)
  t.equal(await codeOf(post([event(7), event(9)])), 'SYNC_BAD_BATCH', 'sequence numbers must be contiguous in a batch')
  t.equal(await codeOf(client.request('POST', PATHS.batches, canonicalJson({ v: 1, boxId: wuhou, events: [], headSeq: 0, boxTime: 'x' }))), 'SYNC_BAD_BATCH')
  t.equal(await codeOf(client.request('POST', PATHS.batches, batchBody('jinjiang', [event(7)]))), 'SYNC_BAD_BATCH', 'a box sends only its own events')
  t.equal(await codeOf(post([event(7, { payload: '[1,2]' })])), 'SYNC_BAD_BATCH', 'a payload must be a JSON object')
  t.equal(await codeOf(post([event(7, { payload: '{"id":' })])), 'SYNC_BAD_BATCH', 'a payload must be valid JSON')
  t.equal(p.db.prepare("SELECT count(*) FROM events WHERE box_id = ?").pluck().get(wuhou), 6, 'refused batches store nothing')
})

t.test('tampered batch, wrong key, unknown and revoked boxes are refused and store nothing', async (t) => {
  const p = await platform(t)
  const { boxId: qingyang, client } = await p.enrol('qingyang')

  // Tampered: signed for one body, another body sent.
  const body = batchBody(qingyang, [event(1)])
  const headers = client.signedHeaders('POST', PATHS.batches, sha256Hex(body))
  const tampered = body.replace('reported', 'closed')
  t.not(tampered, body)
  const res = await fetch(p.url + PATHS.batches, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: tampered })
  t.equal(res.status, 401)
  t.equal(((await res.json()) as { code: string }).code, 'SYNC_BAD_SIGNATURE')

  const impostor = createPlatformClient({ baseUrl: p.url, boxId: qingyang, identity: newIdentity() })
  t.equal(await codeOf(impostor.request('POST', PATHS.batches, body)), 'SYNC_BAD_SIGNATURE', 'wrong key')
  const stranger = createPlatformClient({ baseUrl: p.url, boxId: 'nobody', identity: newIdentity() })
  t.equal(await codeOf(stranger.request('POST', PATHS.batches, batchBody('nobody', [event(1)]))), 'SYNC_UNKNOWN_BOX')
  const unsigned = await fetch(p.url + PATHS.ack)
  t.equal(((await unsigned.json()) as { code: string }).code, 'SYNC_BAD_SIGNATURE', 'no signature at all')
  t.equal(p.db.prepare('SELECT count(*) FROM events').pluck().get(), 0, 'nothing stored')

  t.equal((await p.admin('POST', `/api/fleet/boxes/${qingyang}/revoke`)).status, 200)
  t.equal(await codeOf(client.request('POST', PATHS.batches, body)), 'SYNC_BOX_REVOKED')
  t.equal(await codeOf(client.request('GET', PATHS.ack)), 'SYNC_BOX_REVOKED')
  t.equal((await fetch(p.url + '/api/platform/v1/status')).status, 401, 'the status API needs an administrator')
  const page = await fetch(p.url + '/status', { redirect: 'manual' })
  t.equal(page.headers.get('location'), '/admin', 'the status page sends a stranger to the login')
})

t.test('a box clock two hours fast: requests authenticate after one correction, the skew is shown, lag is not inflated', async (t) => {
  const p = await platform(t)
  const boxNow = () => new Date(Date.now() + 2 * 3600_000)
  const { boxId: jinniu, client } = await p.enrol('jinniu', { now: boxNow })

  // A replayed request signed two hours ahead is outside the window.
  const headers = client.signedHeaders('GET', PATHS.ack, sha256Hex(''))
  const stale = await fetch(p.url + PATHS.ack, { headers })
  t.equal(((await stale.json()) as { code: string }).code, 'SYNC_CLOCK_SKEW')

  const events = [event(1, { at: boxNow().toISOString() }), event(2, { at: boxNow().toISOString() })]
  const reply = await client.request<{ ackedSeq: number }>('POST', PATHS.batches, batchBody(jinniu, events, boxNow()))
  t.equal(reply.body.ackedSeq, 2)
  t.ok(Math.abs(client.offset.ms + 7200_000) < 5000, 'the agent measured the offset')
  const status = (await p.admin('GET', '/api/platform/v1/status')).body.boxes.find((b: { boxId: string }) => b.boxId === jinniu)
  t.ok(Math.abs(status.skewSeconds - 7200) < 10, `skew shown: ${status.skewSeconds} s`)
  t.equal(status.lagSeconds, 0)
  const html = (await p.admin('GET', '/status')).body as string
  t.match(html, '区县设备同步状态')
  t.match(html, '快 2 小时', 'the page flags the fast clock')
})

t.test('evidence: a file whose bytes do not match its sha256 is refused; a matching one is stored', async (t) => {
  const p = await platform(t)
  const { boxId: chenghua, client } = await p.enrol('chenghua')
  const good = Buffer.alloc(50_000, 7)
  const sha = sha256Hex(good)
  await client.request('POST', PATHS.batches, batchBody(chenghua, [event(1, { entity: 'evidence', entityId: 'e1', payload: JSON.stringify({ id: 'e1', sha256: sha, size_bytes: good.length }) })]))
  t.same((await client.request<{ missing: unknown[] }>('GET', PATHS.missingEvidence)).body.missing, [{ sha256: sha, sizeBytes: good.length, receivedBytes: 0 }])

  const bad = join(p.dir, 'bad.bin')
  writeFileSync(bad, Buffer.alloc(50_000, 8))
  t.equal(await codeOf(uploadEvidence(client, bad, sha, good.length)), 'SYNC_EVIDENCE_HASH_MISMATCH')
  const unannounced = sha256Hex('other')
  t.equal(await codeOf(uploadEvidence(client, bad, unannounced, 50_000)), 'VALIDATION_FAILED', 'only announced files are accepted')

  const file = join(p.dir, 'good.bin')
  writeFileSync(file, good)
  const r = await uploadEvidence(client, file, sha, good.length)
  t.equal(r.resumedFrom, 0, 'the refused bytes were discarded: a fresh upload')
  t.same((await client.request<{ missing: unknown[] }>('GET', PATHS.missingEvidence)).body.missing, [])
})

t.test('evidence: a cut upload resumes from the bytes the platform holds; a creating POST never empties them', async (t) => {
  const p = await platform(t)
  const { boxId: longquanyi, client } = await p.enrol('longquanyi')
  const files = [randomBytes(300_000), randomBytes(200_000)]
  const shas = files.map((b) => sha256Hex(b))
  await client.request('POST', PATHS.batches, batchBody(longquanyi, files.map((b, i) => event(i + 1, { entity: 'evidence', entityId: `e${i}`, payload: JSON.stringify({ id: `e${i}`, sha256: shas[i], size_bytes: b.length }) }))))
  /** A creating POST with the first `bytes` of a file in its body, as tus sends it. */
  const create = (i: number, bytes: number) =>
    fetch(p.url + PATHS.uploads, {
      method: 'POST',
      headers: {
        ...client.signedHeaders('POST', PATHS.uploads, UNSIGNED_BODY),
        'tus-resumable': '1.0.0',
        'upload-length': String(files[i]!.length),
        'upload-metadata': `sha256 ${Buffer.from(shas[i]!).toString('base64')}`,
        'content-type': 'application/offset+octet-stream',
      },
      body: files[i]!.subarray(0, bytes),
    })
  const missing = async () => (await client.request<{ missing: Array<{ sha256: string; receivedBytes: number }> }>('GET', PATHS.missingEvidence)).body.missing

  // Both uploads cut: the platform keeps what arrived.
  t.equal((await create(0, 100_000)).status, 201)
  t.equal((await create(1, 50_000)).status, 201)
  t.same(await missing(), [{ sha256: shas[0], sizeBytes: 300_000, receivedBytes: 100_000 }, { sha256: shas[1], sizeBytes: 200_000, receivedBytes: 50_000 }], 'the list says how much of each file the platform holds')
  const again = await create(0, 300_000)
  t.equal(again.status, 409)
  t.equal(((await again.json()) as { code: string }).code, 'SYNC_UPLOAD_EXISTS', 'creating it again is refused')
  t.equal((await missing())[0]!.receivedBytes, 100_000, 'and the bytes received stay')

  const paths = files.map((b, i) => {
    const file = join(p.dir, `evidence-${i}.bin`)
    writeFileSync(file, b)
    return file
  })
  // From the list (HEAD, PATCH), and without it (the POST is refused, then HEAD, PATCH).
  t.equal((await uploadEvidence(client, paths[1]!, shas[1]!, 200_000, 50_000)).resumedFrom, 50_000)
  t.equal((await uploadEvidence(client, paths[0]!, shas[0]!, 300_000)).resumedFrom, 100_000)
  t.same(await missing(), [], 'both files verified and stored')
  for (const [i, b] of files.entries()) t.ok(readFileSync(evidenceFilePath(p.dir, longquanyi, shas[i]!)).equals(b), `file ${i} stored byte for byte`)

  // The platform died after an upload's last byte reached its disk, before the check: tus would
  // call that upload complete. Asking what is missing checks it, and stores it or starts it over.
  const late = [randomBytes(120_000), randomBytes(80_000)]
  const lateShas = late.map((b) => sha256Hex(b))
  await client.request('POST', PATHS.batches, batchBody(longquanyi, late.map((b, i) => event(i + 3, { entity: 'evidence', entityId: `l${i}`, payload: JSON.stringify({ id: `l${i}`, sha256: lateShas[i], size_bytes: b.length }) }))))
  files.push(...late)
  shas.push(...lateShas)
  t.equal((await create(2, 60_000)).status, 201)
  t.equal((await create(3, 40_000)).status, 201)
  appendFileSync(join(p.dir, 'uploads', `${longquanyi}.${lateShas[0]}`), late[0]!.subarray(60_000))
  appendFileSync(join(p.dir, 'uploads', `${longquanyi}.${lateShas[1]}`), randomBytes(40_000))
  t.same(await missing(), [{ sha256: lateShas[1], sizeBytes: 80_000, receivedBytes: 0 }], 'the right bytes are stored, the wrong ones discarded')
  t.ok(readFileSync(evidenceFilePath(p.dir, longquanyi, lateShas[0]!)).equals(late[0]!), 'stored byte for byte')
})

t.test('evidence: two requests that find the same upload complete store it once, both answered', async (t) => {
  const p = await platform(t)
  const { boxId: wuhou, client } = await p.enrol('wuhou')
  const bytes = randomBytes(2_000_000)
  const sha = sha256Hex(bytes)
  await client.request('POST', PATHS.batches, batchBody(wuhou, [event(1, { entity: 'evidence', entityId: 'e1', payload: JSON.stringify({ id: 'e1', sha256: sha, size_bytes: bytes.length }) })]))
  const created = await fetch(p.url + PATHS.uploads, {
    method: 'POST',
    headers: { ...client.signedHeaders('POST', PATHS.uploads, UNSIGNED_BODY), 'tus-resumable': '1.0.0', 'upload-length': String(bytes.length), 'upload-metadata': `sha256 ${Buffer.from(sha).toString('base64')}`, 'content-type': 'application/offset+octet-stream' },
    body: bytes.subarray(0, 1000),
  })
  t.equal(created.status, 201)
  // The rest reached the disk but the platform died before checking it; two rounds ask at once.
  appendFileSync(join(p.dir, 'uploads', `${wuhou}.${sha}`), bytes.subarray(1000))
  const ask = () => client.request<{ missing: unknown[] }>('GET', PATHS.missingEvidence).then((r) => r.body.missing)
  t.same(await Promise.all([ask(), ask(), ask()]), [[], [], []])
  t.ok(readFileSync(evidenceFilePath(p.dir, wuhou, sha)).equals(bytes), 'stored byte for byte')
})

t.test('evidence: a box reaches its own uploads only, by their exact names', async (t) => {
  const p = await platform(t)
  const { boxId: chenghua, client } = await p.enrol('chenghua')
  const { boxId: jinjiang } = await p.enrol('jinjiang')
  const bytes = randomBytes(10_000)
  const sha = sha256Hex(bytes)
  await client.request('POST', PATHS.batches, batchBody(chenghua, [event(1, { entity: 'evidence', entityId: 'e1', payload: JSON.stringify({ id: 'e1', sha256: sha, size_bytes: bytes.length }) })]))
  const head = async (id: string) => {
    const path = `${PATHS.uploads}${id}`
    return (await fetch(p.url + path, { method: 'HEAD', headers: { ...client.signedHeaders('HEAD', path, UNSIGNED_BODY), 'tus-resumable': '1.0.0' } })).status
  }
  const create = await fetch(p.url + PATHS.uploads, {
    method: 'POST',
    headers: { ...client.signedHeaders('POST', PATHS.uploads, UNSIGNED_BODY), 'tus-resumable': '1.0.0', 'upload-length': String(bytes.length), 'upload-metadata': `sha256 ${Buffer.from(sha).toString('base64')}` },
  })
  t.equal(create.status, 201)
  t.equal(await head(`${chenghua}.${sha}`), 200, 'its own upload')
  writeFileSync(join(p.dir, 'uploads', 'outside.json'), '{}')
  // A file in the uploads folder under another name (left by hand, or by an older version) is not an upload.
  for (const ext of ['', '.json']) copyFileSync(join(p.dir, 'uploads', `${chenghua}.${sha}${ext}`), join(p.dir, 'uploads', `${chenghua}.copy${ext}`))
  for (const id of [`${jinjiang}.${sha}`, `${chenghua}.d%2F..%2Foutside`, `${chenghua}.${sha}x`, `${chenghua}.`, `${chenghua}.copy`]) t.equal(await head(id), 404, id)
})

t.test('downstream documents are pulled by ETag and applied whole', async (t) => {
  const p = await platform(t)
  const { client } = await p.enrol('pidu')
  const boxDir = join(p.dir, 'box')
  t.same(await pullDownstream(client, boxDir), [], 'nothing published yet')
  t.same((await p.admin('PUT', '/api/platform/v1/downstream/config', { serviceHours: { from: '07:00', to: '19:00' } })).body, { name: 'config', version: 1 })
  const first = await pullDownstream(client, boxDir)
  t.equal(first.length, 1)
  t.same(readApplied(boxDir, 'config')?.body, { serviceHours: { from: '07:00', to: '19:00' } })
  t.same(await pullDownstream(client, boxDir), [], 'unchanged: 304')
  await p.admin('PUT', '/api/platform/v1/downstream/config', { serviceHours: { from: '07:00', to: '20:00' } })
  const second = await pullDownstream(client, boxDir)
  t.equal(second[0]?.version, 2)
  t.same(readApplied(boxDir, 'config')?.body, { serviceHours: { from: '07:00', to: '20:00' } })
  t.equal((await p.admin('PUT', '/api/platform/v1/downstream/nonsense', {})).body.code, 'SYNC_DOWNSTREAM_NOT_FOUND')
})

t.test('backlog and lag: what the box reported but the platform has not yet received', async (t) => {
  const p = await platform(t)
  const { boxId: wenjiang, client } = await p.enrol('wenjiang')
  const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString()
  const body = canonicalJson({ v: 1, boxId: wenjiang, events: [event(1, { at: tenMinutesAgo }), event(2, { at: tenMinutesAgo })], headSeq: 50, boxTime: new Date().toISOString() })
  await client.request('POST', PATHS.batches, body)
  const status = (await p.admin('GET', '/api/platform/v1/status')).body.boxes[0]
  t.equal(status.backlog, 48)
  t.ok(status.lagSeconds >= 590 && status.lagSeconds < 700, `lag ${status.lagSeconds} s`)
  t.ok(Date.now() - Date.parse(status.lastContactAt) < 60_000)
})
