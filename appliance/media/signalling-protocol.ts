// The signalling contract between the box and the browsers, one TypeBox schema per request.
// Requests are commands (`produce`), notifications are past-tense facts (`producerAdded`).
// Browsers import this module for types only.
import { Type, type Static } from '@sinclair/typebox'

const Id = Type.String({ minLength: 1, maxLength: 64 })
const Obj = Type.Object({}, { additionalProperties: true }) // mediasoup's own parameter objects

export const SAFETY_CARDS = ['hazard_lights', 'warning_triangle', 'may_leave'] as const
export type SafetyCard = (typeof SAFETY_CARDS)[number]
export type PeerRole = 'citizen' | 'officer'

export const REQUESTS = {
  join: Type.Object({ caseId: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }), token: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false }),
  createWebRtcTransport: Type.Object({ direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) }, { additionalProperties: false }),
  connectWebRtcTransport: Type.Object({ transportId: Id, dtlsParameters: Obj }, { additionalProperties: false }),
  produce: Type.Object({
    transportId: Id,
    kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
    rtpParameters: Obj,
  }, { additionalProperties: false }),
  consume: Type.Object({ producerId: Id, rtpCapabilities: Obj }, { additionalProperties: false }),
  resumeConsumer: Type.Object({ consumerId: Id }, { additionalProperties: false }),
  restartIce: Type.Object({ transportId: Id }, { additionalProperties: false }),
  // Officer only.
  requestCameraSwitch: Type.Object({}, { additionalProperties: false }),
  pushSafetyCard: Type.Object({ card: Type.Union(SAFETY_CARDS.map((c) => Type.Literal(c))) }, { additionalProperties: false }),
  requestStill: Type.Object({}, { additionalProperties: false }),
  endCall: Type.Object({}, { additionalProperties: false }),
  // Citizen only.
  reportCameraSwitched: Type.Object({ facing: Type.Union([Type.Literal('user'), Type.Literal('environment')]) }, { additionalProperties: false }),
} as const

export type RequestMethod = keyof typeof REQUESTS
export type RequestData<M extends RequestMethod> = Static<(typeof REQUESTS)[M]>

export const ClientMessage = Type.Object({
  id: Type.Integer({ minimum: 0 }),
  method: Type.String({ maxLength: 64 }),
  data: Type.Optional(Type.Unknown()),
}, { additionalProperties: false })

export interface Notifications {
  peerJoined: { role: PeerRole }
  peerLeft: { role: PeerRole }
  producerAdded: { producerId: string; kind: 'audio' | 'video'; role: PeerRole }
  consumerClosed: { consumerId: string }
  cameraSwitchRequested: Record<string, never>
  cameraSwitched: { facing: 'user' | 'environment' }
  safetyCardPushed: { card: SafetyCard }
  stillRequested: { requestId: string }
  evidenceAdded: { evidenceId: string; kind: string; sha256: string; requestId: string | null }
  callEnded: Record<string, never>
  /** The call's media worker died and was replaced: rebuild transports and rejoin (the case is unchanged). */
  callInterrupted: Record<string, never>
  /** Sent every intervalMs; a client that hears nothing for a few intervals treats the socket as dead. */
  heartbeat: { intervalMs: number }
}

export type ServerMessage =
  | { id: number; ok: true; data: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { [K in keyof Notifications]: { notification: K; data: Notifications[K] } }[keyof Notifications]
