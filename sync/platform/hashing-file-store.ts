// A tus FileStore that hashes the bytes as it writes them, so a finished upload's sha256 needs no
// second pass over the file. The running hash is kept per upload only while it matches the bytes on
// disk: after a platform restart, a failed write or any doubt, the prefix already on disk is hashed
// again before more bytes are added, so a resumed upload is verified over all of its bytes.
import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { FileStore } from '@tus/file-store'

interface RunningHash {
  hash: Hash
  /** Bytes of the upload's file the hash covers. */
  offset: number
}

const WRITE_BATCH_BYTES = 1 << 20

/** Writes the buffers at position; writev may write fewer bytes than asked, so it goes on until all are. */
async function writeAllAt(handle: FileHandle, buffers: Buffer[], bytes: number, position: number) {
  let written = 0
  while (written < bytes) {
    const rest = written === 0 ? buffers : [Buffer.concat(buffers).subarray(written)]
    written += (await handle.writev(rest, position + written)).bytesWritten
  }
}

async function hashFilePrefix(file: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256')
  if (bytes === 0) return hash
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash
}

export class HashingFileStore extends FileStore {
  private readonly running = new Map<string, RunningHash>()

  /** Takes the upload's running hash if it covers exactly its first `bytes` bytes, else hashes them from disk. */
  private async takeHash(id: string, bytes: number): Promise<Hash> {
    const known = this.running.get(id)
    this.running.delete(id)
    return known?.offset === bytes ? known.hash : hashFilePrefix(join(this.directory, id), bytes)
  }

  /**
   * Hashes and writes in one pass, the bytes gathered into writes of ~1 MB: FileStore's own write
   * (a counting Transform into an fs.WriteStream) costs a thread-pool round trip per 64 kB chunk.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    // The stream may fail before the loop below reads it; the loop reports the error.
    readable.on('error', () => {})
    // Taken out while writing: if the write fails, the bytes on disk are not known to the hash.
    const hash = await this.takeHash(id, offset)
    const handle = await open(join(this.directory, id), 'r+')
    let position = offset
    let batch: Buffer[] = []
    let batchBytes = 0
    const flush = async () => {
      await writeAllAt(handle, batch, batchBytes, position)
      position += batchBytes
      batch = []
      batchBytes = 0
    }
    try {
      try {
        for await (const chunk of readable as AsyncIterable<Buffer>) {
          hash.update(chunk)
          batch.push(chunk)
          batchBytes += chunk.length
          if (batchBytes >= WRITE_BATCH_BYTES) await flush()
        }
      } finally {
        // Bytes received before the body was cut are kept: the box resumes after them.
        await flush()
      }
    } finally {
      await handle.close()
    }
    // Reached only when every byte that went through the hash was written, and nothing else.
    this.running.set(id, { hash, offset: position })
    return position
  }

  /** The sha256 (hex) of the upload's first `size` bytes: from the running hash, or read from disk. */
  async sha256Of(id: string, size: number): Promise<string> {
    return (await this.takeHash(id, size)).digest('hex')
  }
}
