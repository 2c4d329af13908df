// Pulls the platform's configuration and registry documents by ETag and applies each atomically:
// <dataDir>/downstream/<name>.json is replaced whole (write, fsync, rename), never half-written.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileDurably } from '../../appliance/durable-write.ts'
import { DOWNSTREAM_NAMES, DownstreamReply, PATHS, type DownstreamName } from '../protocol.ts'
import { checkReply, PlatformError, type PlatformClient } from './platform-client.ts'

export interface AppliedDoc {
  name: DownstreamName
  version: number
  etag: string
  body: unknown
}

export const downstreamFile = (dataDir: string, name: DownstreamName) => join(dataDir, 'downstream', `${name}.json`)

export function readApplied(dataDir: string, name: DownstreamName): AppliedDoc | undefined {
  const file = downstreamFile(dataDir, name)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AppliedDoc) : undefined
}

/** Returns the documents that changed. */
export async function pullDownstream(client: PlatformClient, dataDir: string): Promise<AppliedDoc[]> {
  const changed: AppliedDoc[] = []
  for (const name of DOWNSTREAM_NAMES) {
    const current = readApplied(dataDir, name)
    let res
    try {
      res = await client.request('GET', PATHS.downstream(name), undefined, current ? { 'if-none-match': current.etag } : {})
    } catch (err) {
      if (err instanceof PlatformError && err.code === 'SYNC_DOWNSTREAM_NOT_FOUND') continue
      throw err
    }
    if (res.status === 304) continue
    const reply = checkReply(DownstreamReply, res)
    const doc: AppliedDoc = { name, version: reply.version, etag: res.headers.get('etag') ?? '', body: reply.body }
    if (current && doc.version <= current.version) continue
    mkdirSync(join(dataDir, 'downstream'), { recursive: true })
    writeFileDurably(downstreamFile(dataDir, name), JSON.stringify(doc), 0o640)
    changed.push(doc)
  }
  return changed
}
