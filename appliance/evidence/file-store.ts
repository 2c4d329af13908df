// Evidence files on disk, named by their sha256. A file is complete and flushed before anyone is told
// it exists (see durable-write.ts).
import { createHash } from 'node:crypto'
import { createReadStream, mkdirSync, renameSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fsyncPathAsync, writeFileDurably } from '../durable-write.ts'

export interface StoredFile {
  /** Relative to the data directory. */
  filePath: string
  sha256: string
  sizeBytes: number
}

export function storeEvidenceBytes(dataDir: string, caseId: string, bytes: Buffer, extension: string): StoredFile {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const dir = join(dataDir, 'evidence', caseId)
  mkdirSync(dir, { recursive: true })
  const final = join(dir, `${sha256}.${extension}`)
  writeFileDurably(final, bytes, 0o640)
  return { filePath: relative(dataDir, final), sha256, sizeBytes: bytes.length }
}

/** Moves a finished file (same file system) into the evidence store under its sha256. */
export async function storeEvidenceFile(dataDir: string, caseId: string, source: string, extension: string): Promise<StoredFile> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(source)) hash.update(chunk as Buffer)
  const sha256 = hash.digest('hex')
  const dir = join(dataDir, 'evidence', caseId)
  mkdirSync(dir, { recursive: true })
  const final = join(dir, `${sha256}.${extension}`)
  await fsyncPathAsync(source, 'r+')
  renameSync(source, final)
  await fsyncPathAsync(dir)
  return { filePath: relative(dataDir, final), sha256, sizeBytes: statSync(final).size }
}

/** The image types a phone's still may come in, told by their first bytes rather than a header. */
export function imageExtension(bytes: Buffer): 'jpg' | 'png' | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg'
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  return null
}
