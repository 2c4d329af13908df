// The wire contract between a box and the platform's fleet endpoints (enrolment, heartbeat,
// configuration acknowledgement). Box messages travel in a signed envelope: the payload is JSON
// text signed with the box's Ed25519 key, so the platform verifies exactly the bytes it parses.
import { Type, type Static } from '@sinclair/typebox'

export const FLEET_PROTOCOL_VERSION = 1
/** A box message older or newer than this (clock skew included) is refused: no replays. */
export const MAX_MESSAGE_AGE_MS = 5 * 60_000

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' })
const Pem = Type.String({ minLength: 40, maxLength: 4096 })
const Iso = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', maxLength: 40 })

export const EnrolRequest = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 200 }),
  publicKeyPem: Pem,
  /** The token signed with the new key: proves the enrolling box holds the private key. */
  proof: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false })
export type EnrolRequest = Static<typeof EnrolRequest>

export const EnrolReply = Type.Object({ boxId: Id, districtId: Id, keyId: Type.String() })
export type EnrolReply = Static<typeof EnrolReply>

export const SignedEnvelope = Type.Object({
  boxId: Id,
  payload: Type.String({ minLength: 2, maxLength: 64 * 1024 }),
  signature: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false })
export type SignedEnvelope = Static<typeof SignedEnvelope>

const Percent = Type.Number({ minimum: 0, maximum: 100 })
const Count = Type.Integer({ minimum: 0 })

export const HeartbeatPayload = Type.Object({
  kind: Type.Literal('heartbeat'),
  boxId: Id,
  sentAt: Iso,
  versions: Type.Object({
    software: Type.String({ maxLength: 64 }),
    models: Type.String({ maxLength: 64 }),
    config: Type.String({ maxLength: 64 }),
  }, { additionalProperties: false }),
  system: Type.Object({
    cpuLoadPercent: Percent,
    memoryUsedPercent: Percent,
    diskUsedPercent: Percent,
    temperatureC: Type.Union([Type.Number({ minimum: -50, maximum: 150 }), Type.Null()]),
    load1: Type.Number({ minimum: 0 }),
    uptimeSeconds: Type.Number({ minimum: 0 }),
  }, { additionalProperties: false }),
  /** Records waiting to reach the platform; null until the box runs a sync agent. */
  syncBacklog: Type.Union([Count, Type.Null()]),
  callsInProgress: Count,
}, { additionalProperties: false })
export type HeartbeatPayload = Static<typeof HeartbeatPayload>

export const DesiredConfig = Type.Object({
  version: Id,
  /** The district file: a partial box configuration (firmware-config/config.ts). */
  document: Type.Record(Type.String(), Type.Unknown()),
})
export type DesiredConfig = Static<typeof DesiredConfig>

export const HeartbeatReply = Type.Object({ desiredConfig: Type.Union([DesiredConfig, Type.Null()]) })
export type HeartbeatReply = Static<typeof HeartbeatReply>

export const ConfigAckPayload = Type.Object({
  kind: Type.Literal('config-ack'),
  boxId: Id,
  sentAt: Iso,
  version: Id,
  ok: Type.Boolean(),
  /** Why the box could not apply it (the configuration problems or the failed health check). */
  error: Type.Optional(Type.String({ maxLength: 4000 })),
}, { additionalProperties: false })
export type ConfigAckPayload = Static<typeof ConfigAckPayload>

export type BoxMessage = HeartbeatPayload | ConfigAckPayload
