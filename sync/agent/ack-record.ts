// The highest contiguous seq the platform has acknowledged, kept in <dataDir>/sync-ack.json for the
// fleet heartbeat's backlog. A report only: the agent itself always restarts from the platform's
// own answer, so a lost or stale file never makes it skip or resend anything.
import { join } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { readJsonFile, writeFileDurably } from '../../appliance/durable-write.ts'

export const ACK_RECORD_FILE = 'sync-ack.json'

const AckRecord = Type.Object({
  ackedSeq: Type.Integer({ minimum: 0 }),
  /** When the platform said so (ISO time), for whoever reads the file. */
  at: Type.String({ minLength: 1, maxLength: 40 }),
}, { additionalProperties: false })
export type AckRecord = Static<typeof AckRecord>

export function writeAckRecord(dataDir: string, record: AckRecord) {
  writeFileDurably(join(dataDir, ACK_RECORD_FILE), JSON.stringify(record) + '\n', 0o644)
}

/** null when no sync agent has ever had an answer from the platform. */
export function readAckRecord(dataDir: string): AckRecord | null {
  return readJsonFile(join(dataDir, ACK_RECORD_FILE), AckRecord)
}
