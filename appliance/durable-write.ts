// Writes that survive a power cut: write a temporary file, fsync it, rename it into place, fsync
// the directory. Readers see either nothing or the whole file.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export function fsyncPath(path: string, flags = 'r') {
  const fd = openSync(path, flags)
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
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
