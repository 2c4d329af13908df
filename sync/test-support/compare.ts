// What "arrived exactly once, in order" means, checked against the platform's store file.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Db } from '../../appliance/db/open.ts'
import { canonicalJson } from '../protocol.ts'

const parsed = (e: Record<string, unknown>) => ({ ...e, payload: JSON.parse(e.payload as string) as unknown })

export function compareBoxWithPlatform(box: Db, platformDataDir: string, boxId: string) {
  const p = new Database(join(platformDataDir, 'platform.db'), { readonly: true })
  try {
    const sent = box.$client.prepare('SELECT seq, entity, entity_id AS entityId, op, payload FROM outbox ORDER BY seq').all() as Array<Record<string, unknown>>
    const got = p.prepare('SELECT seq, entity, entity_id AS entityId, op, payload FROM events WHERE box_id = ? ORDER BY seq').all(boxId) as Array<Record<string, unknown>>
    const evidence = box.$client.prepare('SELECT sha256, size_bytes AS size FROM evidence').all() as Array<{ sha256: string; size: number }>
    const badFiles = evidence.filter((e) => {
      try {
        return createHash('sha256').update(readFileSync(join(platformDataDir, 'evidence', boxId, e.sha256))).digest('hex') !== e.sha256
      } catch {
        return true
      }
    })
    const caseRecords = p.prepare("SELECT count(*) FROM records WHERE box_id = ? AND entity = 'cases'").pluck().get(boxId) as number
    const boxCases = box.$client.prepare('SELECT count(*) FROM cases').pluck().get() as number
    return {
      sentCount: sent.length,
      receivedCount: got.length,
      /** Same seq, same content, nothing extra: the platform's primary key makes a duplicate impossible to store twice. */
      identical: canonicalJson(sent.map(parsed)) === canonicalJson(got.map(parsed)),
      evidenceFiles: evidence.length,
      badFiles: badFiles.length,
      caseRecords,
      boxCases,
    }
  } finally {
    p.close()
  }
}
