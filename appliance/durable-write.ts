// Writes that survive a power cut: write a temporary file, fsync it, rename it into place, fsync
// the directory. Readers see either nothing or the whole file.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export function fsyncPath(path: string, flags = 'r') {
  const fd = openSync(path, flags)
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * fsyncPath on the thread pool: a big file's fsync (tens of ms for a 16 MB upload, more for a call
 * recording) would otherwise stop every other request of the process while the disk catches up.
 */
export async function fsyncPathAsync(path: string, flags = 'r'): Promise<void> {
  const handle = await open(path, flags)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export function writeFileDurably(file: string, content: string | Buffer, mode = 0o600) {
  const tmp = `${file}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
  fsyncPath(dirname(file))
}

/**
 * Reads back a small JSON file (one written by writeFileDurably): null when it does not exist; an
 * Error naming the file and the first bad field when it is not what the schema says.
 */
export function readJsonFile<S extends TSchema>(file: string, schema: S): Static<S> | null {
  if (!existsSync(file)) return null
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`)
  }
  if (!Value.Check(schema, value)) {
    const e = [...Value.Errors(schema, value)][0]!
    throw new Error(`${file}: ${e.path || '/'}: ${e.message}`)
  }
  return value
}
