// One WebSocket connection of a browser in a call: a handler table keyed by request name, one
// schema per request, one role guard. Errors are thrown inside and answered once, here.
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { types } from 'mediasoup'
import type { WebSocket } from 'ws'
import { AppError, ERRORS } from '../errors.ts'
import type { Peer, Room } from './room.ts'
import type { RoomRegistry } from './rooms.ts'
import { createTokenBucket } from './token-bucket.ts'
import { ClientMessage, REQUESTS, type Notifications, type PeerRole, type RequestData, type RequestMethod } from './signalling-protocol.ts'

/** What the box lets a connection do once it has proved who it is (see media-routes.ts). */
export interface CallAccess {
  /** Resolves the caller's role for this case, or throws (token, session, case state). */
  authorize(caseId: string, token: string | undefined): PeerRole
  /** Called when the citizen's connection to a call opens or drops. */
  citizenPresence(caseId: string, present: boolean): void
  /** The officer asked for a still: the citizen's phone captures and uploads it. */
  newStillRequest(caseId: string): string
  /** The officer ended the call. */
  callEnded(caseId: string): void
}

interface Ctx {
  room: Room
  peer: Peer
  access: CallAccess
}

type Handler<M extends RequestMethod> = {
  roles: readonly PeerRole[]
  handle: (ctx: Ctx, data: RequestData<M>) => unknown
}

const BOTH = ['citizen', 'officer'] as const

const HANDLERS: { [M in Exclude<RequestMethod, 'join'>]: Handler<M> } = {
  createWebRtcTransport: { roles: BOTH, handle: ({ room, peer }, d) => room.createTransport(peer, d.direction) },
  connectWebRtcTransport: {
    roles: BOTH,
    handle: ({ room, peer }, d) => room.transport(peer, d.transportId).connect({ dtlsParameters: d.dtlsParameters as unknown as types.DtlsParameters }),
  },
  produce: {
    roles: BOTH,
    handle: async ({ room, peer }, d) => ({ id: await room.produce(peer, d.transportId, d.kind, d.rtpParameters as unknown as types.RtpParameters) }),
  },
  consume: { roles: BOTH, handle: ({ room, peer }, d) => room.consume(peer, d.producerId, d.rtpCapabilities as unknown as types.RtpCapabilities) },
  resumeConsumer: { roles: BOTH, handle: ({ room, peer }, d) => room.resumeConsumer(peer, d.consumerId) },
  restartIce: { roles: BOTH, handle: ({ room, peer }, d) => room.restartIce(peer, d.transportId) },
  requestCameraSwitch: { roles: ['officer'], handle: ({ room }) => citizenOf(room).notify('cameraSwitchRequested', {}) },
  pushSafetyCard: { roles: ['officer'], handle: ({ room }, d) => citizenOf(room).notify('safetyCardPushed', { card: d.card }) },
  requestStill: {
    roles: ['officer'],
    handle: ({ room, access }) => {
      const citizen = citizenOf(room)
      const requestId = access.newStillRequest(room.caseId)
      citizen.notify('stillRequested', { requestId })
      return { requestId }
    },
  },
  endCall: {
    roles: ['officer'],
    handle: ({ room, access }) => {
      access.callEnded(room.caseId)
      room.close()
    },
  },
  reportCameraSwitched: { roles: ['citizen'], handle: ({ room }, d) => room.other('citizen')?.notify('cameraSwitched', { facing: d.facing }) },
}

const citizenOf = (room: Room) => room.peers.get('citizen') ?? fail('MEDIA_PEER_ABSENT')
const fail = (code: keyof typeof ERRORS): never => {
  throw new AppError(code)
}

const byteLength = (raw: WebSocket.RawData) =>
  Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : raw instanceof ArrayBuffer ? raw.byteLength : raw.length

const checkMessage = TypeCompiler.Compile(ClientMessage)
const checkers = Object.fromEntries(Object.entries(REQUESTS).map(([k, s]) => [k, TypeCompiler.Compile(s)]))

/** Larger messages get MEDIA_MESSAGE_TOO_LARGE and the socket is closed (the biggest real one, an SDP-sized produce, is ~5 KiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024
/** The WebSocket layer drops frames beyond this without reading them into a message. */
export const MAX_FRAME_BYTES = 1024 * 1024
/** Token bucket per connection: a burst of RATE_BURST messages, refilled at RATE_PER_SECOND. */
export const RATE_BURST = 60
export const RATE_PER_SECOND = 20

export const CLOSE = { policy: 1008, tooLarge: 1009, restarting: 1012, normal: 1000 } as const

export interface SignallingOptions {
  /** Heartbeat period: a notification for the browser, a ping for the box to find half-open sockets. */
  heartbeatMs: number
}

export function handleSignalling(socket: WebSocket, rooms: RoomRegistry, access: CallAccess, opts: SignallingOptions) {
  let ctx: Ctx | null = null
  let joining = false

  const send = (msg: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg))
  }
  const notify = <K extends keyof Notifications>(notification: K, data: Notifications[K]) => send({ notification, data })
  const refuse = (code: keyof typeof ERRORS, close?: number) => {
    send({ id: -1, ok: false, error: { code, message: ERRORS[code].message } })
    if (close) socket.close(close, code)
  }

  // A socket that missed a whole heartbeat period without answering our ping is half-open: drop it,
  // so the room sees the peer leave and the citizen's presence turns to dropped.
  let alive = true
  socket.on('pong', () => (alive = true))
  const heartbeat = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return // closing: ping() would throw
    if (!alive) return socket.terminate()
    alive = false
    socket.ping()
    notify('heartbeat', { intervalMs: opts.heartbeatMs })
  }, opts.heartbeatMs)
  notify('heartbeat', { intervalMs: opts.heartbeatMs })

  const rate = createTokenBucket(RATE_BURST, RATE_PER_SECOND)

  async function join(data: RequestData<'join'>) {
    if (ctx || joining) fail('VALIDATION_FAILED')
    joining = true
    try {
      const role = access.authorize(data.caseId, data.token)
      const room = await rooms.getOrCreate(data.caseId)
      const peer = room.join(role, notify)
      ctx = { room, peer, access }
      room.once('closed', (reason) => {
        if (reason === 'interrupted') {
          // Recorded now, before the browser's rejoin can mark the citizen connected again.
          if (role === 'citizen') access.citizenPresence(data.caseId, false)
          notify('callInterrupted', {})
          socket.close(CLOSE.restarting, 'media restarted')
        } else {
          notify('callEnded', {})
          socket.close(CLOSE.normal, 'call ended')
        }
      })
      if (role === 'citizen') access.citizenPresence(data.caseId, true)
      return {
        role,
        routerRtpCapabilities: room.router.rtpCapabilities,
        producers: room.producersFor(role),
        peers: [...room.peers.keys()],
      }
    } finally {
      joining = false
    }
  }

  async function dispatch(method: string, data: unknown): Promise<unknown> {
    if (!(method in REQUESTS)) fail('MEDIA_UNKNOWN_REQUEST')
    if (!checkers[method]!.Check(data ?? {})) fail('VALIDATION_FAILED')
    if (method === 'join') return join(data as RequestData<'join'>)
    if (!ctx) return fail('MEDIA_NOT_JOINED')
    const handler = HANDLERS[method as Exclude<RequestMethod, 'join'>] as Handler<RequestMethod>
    if (!handler.roles.includes(ctx.peer.role)) fail('MEDIA_ROLE_NOT_ALLOWED')
    return (await handler.handle(ctx, (data ?? {}) as never)) ?? {}
  }

  socket.on('message', async (raw, isBinary) => {
    if (socket.readyState !== socket.OPEN) return
    if (!rate.take()) return refuse('MEDIA_TOO_MANY_MESSAGES', CLOSE.policy)
    if (byteLength(raw) > MAX_MESSAGE_BYTES) return refuse('MEDIA_MESSAGE_TOO_LARGE', CLOSE.tooLarge)
    let msg: unknown
    try {
      msg = isBinary ? undefined : JSON.parse(raw.toString())
    } catch {
      msg = undefined
    }
    if (!checkMessage.Check(msg)) return refuse('VALIDATION_FAILED')
    try {
      send({ id: msg.id, ok: true, data: await dispatch(msg.method, msg.data) })
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL'
      send({ id: msg.id, ok: false, error: { code, message: ERRORS[code].message } })
    }
  })

  socket.on('close', () => {
    clearInterval(heartbeat)
    if (!ctx) return
    const { room, peer } = ctx
    room.leave(peer)
    if (peer.role === 'citizen' && !room.isClosed) access.citizenPresence(room.caseId, false)
  })
}
