// The one versioned contract between a box's sync agent and the city platform: paths, headers, the
// batch shape, canonical JSON and the request signature. Pure: no I/O.
import { createHash } from 'node:crypto'
import { Type, type Static } from '@sinclair/typebox'

export const PROTOCOL_VERSION = 1
/** Upper bounds the platform enforces; the agent sends at most this many events per batch. */
export const MAX_BATCH_EVENTS = 2000
export const MAX_BATCH_BYTES = 8 * 1024 * 1024
/** A signed request whose time is further than this from the platform's clock is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

export const PATHS = {
  batches: '/api/sync/v1/batches',
  ack: '/api/sync/v1/ack',
  missingEvidence: '/api/sync/v1/evidence/missing',
  uploads: '/api/sync/v1/uploads/',
  downstream: (name: string) => `/api/sync/v1/downstream/${name}`,
} as const

export const HEADERS = {
  boxId: 'kc-box-id',
  keyId: 'kc-key-id',
  signedAt: 'kc-signed-at',
  signature: 'kc-signature',
} as const

/** Names of the documents the platform publishes to boxes. */
export const DOWNSTREAM_NAMES = ['config', 'registry'] as const
export type DownstreamName = (typeof DOWNSTREAM_NAMES)[number]

export const SyncEvent = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    entity: Type.String({ minLength: 1, maxLength: 64 }),
    entityId: Type.String({ minLength: 1, maxLength: 128 }),
    op: Type.Union([Type.Literal('upsert'), Type.Literal('delete')]),
    caseId: Type.Union([Type.String({ maxLength: 128 }), Type.Null()]),
    /** The row as a JSON object, in the text the box's outbox holds (kept as text: no re-encoding on either side). */
    payload: Type.String({ maxLength: 256 * 1024 }),
    /** The box's clock when the change committed. */
    at: Type.String({ maxLength: 40 }),
  },
  { additionalProperties: false },
)
export type SyncEvent = Static<typeof SyncEvent>

export const Batch = Type.Object(
  {
    v: Type.Literal(PROTOCOL_VERSION),
    boxId: Type.String({ minLength: 1, maxLength: 64 }),
    /** events[i].seq === events[0].seq + i: the outbox has no gaps. */
    events: Type.Array(SyncEvent, { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
    /** The highest seq in the box's outbox when the batch was read: backlog = headSeq − acked. */
    headSeq: Type.Integer({ minimum: 0 }),
    /** The box's clock when sending; the platform records the skew. */
    boxTime: Type.String({ maxLength: 40 }),
  },
  { additionalProperties: false },
)
export type Batch = Static<typeof Batch>

export const SHA256_HEX = /^[0-9a-f]{64}$/

// The platform's replies, checked by the agent before it acts on them (a proxy's error page or a
// half-upgraded platform must not move the agent's cursor or name a file to send).
export const AckReply = Type.Object({ ackedSeq: Type.Integer({ minimum: 0 }) })

export const BatchReply = Type.Object({
  ackedSeq: Type.Integer({ minimum: 0 }),
  accepted: Type.Integer({ minimum: 0 }),
  duplicates: Type.Integer({ minimum: 0 }),
})
export type BatchReply = Static<typeof BatchReply>

export const MissingEvidence = Type.Object({
  sha256: Type.String({ pattern: SHA256_HEX.source }),
  sizeBytes: Type.Integer({ minimum: 0 }),
  /** Bytes of it the platform already holds from a cut upload: the agent resumes there. */
  receivedBytes: Type.Integer({ minimum: 0 }),
})
export type MissingEvidence = Static<typeof MissingEvidence>

export const MissingEvidenceReply = Type.Object({ missing: Type.Array(MissingEvidence, { maxItems: 1000 }) })

export const DownstreamReply = Type.Object({ version: Type.Integer({ minimum: 0 }), body: Type.Unknown() })

/** One byte string per value: keys sorted at every level, no whitespace (shared with the determination's signature). */
export { canonicalJson } from '../appliance/documents/canonical-json.ts'

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

/** tus bodies stream in pieces; their integrity is the sha256 the platform checks at the end. */
export const UNSIGNED_BODY = 'UNSIGNED-BODY'

/**
 * The string a box signs for every request: method, path with query, its clock (corrected by the
 * offset it measured against the platform) and the sha256 of the body. A changed byte anywhere
 * breaks the signature; a replayed request is refused once outside the skew window, and a replayed
 * batch is harmless (deduplicated by sequence).
 */
export function signingString(method: string, pathWithQuery: string, signedAt: string, bodySha256: string): string {
  return [`kuaichu-sync-v${PROTOCOL_VERSION}`, method.toUpperCase(), pathWithQuery, signedAt, bodySha256].join('\n')
}

/** Upload ids are the box and the file's sha256: the agent knows an upload's URL before creating it. */
export const uploadId = (boxId: string, sha256: string) => `${boxId}.${sha256}`
export const BOX_ID = /^[a-z0-9][a-z0-9-]{0,63}$/
