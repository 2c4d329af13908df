// A tus FileStore that hashes the bytes as it writes them, so a finished upload's sha256 needs no
// second pass over the file. The running hash is kept per upload only while it matches the bytes on
// disk: after a platform restart, a failed write or any doubt, the prefix already on disk is hashed
// again before more bytes are added, so a resumed upload is verified over all of its bytes.
import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { FileStore } from '@tus/file-store'

interface RunningHash {
  hash: Hash
  /** Bytes of the upload's file the hash covers. */
  offset: number
}

async function hashFilePrefix(file: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256')
  if (bytes === 0) return hash
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash
}

export class HashingFileStore extends FileStore {
  private readonly running = new Map<string, RunningHash>()
  private readonly dir: string

  constructor(options: { directory: string }) {
    super(options)
    this.dir = options.directory
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const known = this.running.get(id)
    // Taken out while writing: if the write fails, the bytes on disk are not known to the hash.
    this.running.delete(id)
    const hash = known?.offset === offset ? known.hash : await hashFilePrefix(join(this.dir, id), offset)
    let hashed = 0
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk)
        hashed += chunk.length
        done(null, chunk)
      },
    })
    const source = readable.pipe(hashing)
    readable.once('error', (err) => hashing.destroy(err))
    const newOffset = await super.write(source, id, offset)
    // Every byte that went through the hash was written, and nothing else.
    if (newOffset === offset + hashed) this.running.set(id, { hash, offset: newOffset })
    return newOffset
  }

  /** The sha256 (hex) of the upload's first `size` bytes: from the running hash, or read from disk. */
  async sha256Of(id: string, size: number): Promise<string> {
    const known = this.running.get(id)
    this.running.delete(id)
    const hash = known?.offset === size ? known.hash : await hashFilePrefix(join(this.dir, id), size)
    return hash.digest('hex')
  }
}
