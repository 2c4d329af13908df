// The running sha256 of tus uploads: right for one pass, across writes, across a platform restart
// (new store, prefix read back from disk) and after a failed write; a resumed upload is verified
// over every byte, including those received before the restart.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { HashingFileStore } from './hashing-file-store.ts'

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function fixture(t: { teardown(fn: () => unknown): void }, size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-hashing-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const bytes = randomBytes(size)
  const id = `box.${sha256(bytes)}`
  const store = new HashingFileStore({ directory: dir })
  // FileStore reads only these fields of tus's Upload model.
  await store.create({ id, size, offset: 0, metadata: {}, creation_date: new Date().toISOString() } as unknown as Parameters<HashingFileStore['create']>[0])
  /** Sends bytes [from, to) as a stream of 64 kB chunks, like a request body. */
  const part = (from: number, to: number) => Readable.from(Array.from({ length: Math.ceil((to - from) / 65536) }, (_, i) => bytes.subarray(from + i * 65536, Math.min(to, from + (i + 1) * 65536))))
  return { dir, bytes, id, store, part, file: join(dir, id) }
}

t.test('one write and several writes: the hash of the bytes received', async (t) => {
  const f = await fixture(t, 1_000_000)
  t.equal(await f.store.write(f.part(0, 300_000), f.id, 0), 300_000)
  t.equal(await f.store.write(f.part(300_000, 1_000_000), f.id, 300_000), 1_000_000)
  t.equal(await f.store.sha256Of(f.id, 1_000_000), sha256(f.bytes))
})

t.test('writes larger than one write batch: the file holds the bytes sent, at their offsets', async (t) => {
  const f = await fixture(t, 3_800_000)
  t.equal(await f.store.write(f.part(0, 2_500_123), f.id, 0), 2_500_123)
  t.equal(await f.store.write(f.part(2_500_123, 3_800_000), f.id, 2_500_123), 3_800_000)
  t.ok(readFileSync(f.file).equals(f.bytes))
  t.equal(await f.store.sha256Of(f.id, 3_800_000), sha256(f.bytes))
})

t.test('the finished hash comes from the bytes as received, not from a second read of the file', async (t) => {
  const f = await fixture(t, 200_000)
  await f.store.write(f.part(0, 200_000), f.id, 0)
  const fd = openSync(f.file, 'r+')
  writeSync(fd, Buffer.from([f.bytes[10]! ^ 0xff]), 0, 1, 10)
  closeSync(fd)
  t.equal(await f.store.sha256Of(f.id, 200_000), sha256(f.bytes))
})

t.test('a restart between writes: the prefix on disk is hashed again, so it is verified too', async (t) => {
  const f = await fixture(t, 1_000_000)
  await f.store.write(f.part(0, 400_000), f.id, 0)
  const restarted = new HashingFileStore({ directory: f.dir })
  await restarted.write(f.part(400_000, 1_000_000), f.id, 400_000)
  t.equal(await restarted.sha256Of(f.id, 1_000_000), sha256(f.bytes))

  const g = await fixture(t, 1_000_000)
  await g.store.write(g.part(0, 400_000), g.id, 0)
  // A byte of the first part changed on disk while the platform was down.
  const fd = openSync(g.file, 'r+')
  writeSync(fd, Buffer.from([g.bytes[1234]! ^ 0xff]), 0, 1, 1234)
  closeSync(fd)
  const again = new HashingFileStore({ directory: g.dir })
  await again.write(g.part(400_000, 1_000_000), g.id, 400_000)
  t.not(await again.sha256Of(g.id, 1_000_000), sha256(g.bytes))
})

t.test('a write that fails midway: the next write starts from what is on disk', async (t) => {
  const f = await fixture(t, 600_000)
  const failing = new Readable({ read() {} })
  failing.push(f.bytes.subarray(0, 100_000))
  setImmediate(() => failing.destroy(new Error('connection reset')))
  await t.rejects(f.store.write(failing, f.id, 0))
  const offset = (await f.store.getUpload(f.id)).offset
  await f.store.write(f.part(offset, 600_000), f.id, offset)
  t.equal(await f.store.sha256Of(f.id, 600_000), sha256(f.bytes))
})

t.test('an empty file', async (t) => {
  const f = await fixture(t, 0)
  t.equal(await f.store.sha256Of(f.id, 0), sha256(Buffer.alloc(0)))
})
