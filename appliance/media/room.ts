// One call: its router and the two peers (citizen, officer) with their transports, producers and
// consumers. Closing cascades peer → transports → producers/consumers; a peer that joins again
// (resume after a drop) replaces its old self and the other side is told to consume anew.
import { EventEmitter } from 'node:events'
import type { types } from 'mediasoup'
import { AppError } from '../errors.ts'
import { MEDIA_CODECS } from './codecs.ts'
import type { Notifications, PeerRole } from './signalling-protocol.ts'

export interface TransportSettings {
  listenIp: string
  announcedIp: string
  enableTcp: boolean
}

export type Notify = <K extends keyof Notifications>(name: K, data: Notifications[K]) => void

export class Peer {
  readonly transports = new Map<string, types.WebRtcTransport>()
  readonly producers = new Map<string, types.Producer>()
  readonly consumers = new Map<string, types.Consumer>()
  constructor(
    readonly role: PeerRole,
    readonly notify: Notify,
  ) {}

  close() {
    for (const t of this.transports.values()) t.close()
  }
}

/** Why a room closed: the officer ended the call, or its media worker died and the call must resume. */
export type CloseReason = 'ended' | 'interrupted'

export class Room extends EventEmitter<{ producersChanged: []; closed: [reason: CloseReason] }> {
  readonly peers = new Map<PeerRole, Peer>()
  private closed = false

  private constructor(
    readonly caseId: string,
    readonly router: types.Router,
    private readonly transportSettings: TransportSettings,
    private readonly release: () => void,
  ) {
    super()
    // The router closes under us only when its worker died (crash, or killed as stuck).
    router.observer.once('close', () => this.close('interrupted'))
  }

  static async create(caseId: string, worker: types.Worker, settings: TransportSettings, release: () => void) {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS })
    return new Room(caseId, router, settings, release)
  }

  get isClosed() {
    return this.closed
  }

  join(role: PeerRole, notify: Notify): Peer {
    this.peers.get(role)?.close()
    const peer = new Peer(role, notify)
    this.peers.set(role, peer)
    this.other(role)?.notify('peerJoined', { role })
    return peer
  }

  leave(peer: Peer) {
    if (this.peers.get(peer.role) !== peer) return
    peer.close()
    this.peers.delete(peer.role)
    this.other(peer.role)?.notify('peerLeft', { role: peer.role })
    this.emit('producersChanged')
  }

  other(role: PeerRole): Peer | undefined {
    return this.peers.get(role === 'citizen' ? 'officer' : 'citizen')
  }

  /** Producers the peer may consume: everything the other side publishes. */
  producersFor(role: PeerRole) {
    return [...(this.other(role)?.producers.values() ?? [])].map((p) => ({ producerId: p.id, kind: p.kind, role: p.appData.role as PeerRole }))
  }

  async createTransport(peer: Peer, direction: 'send' | 'recv') {
    const { listenIp, announcedIp, enableTcp } = this.transportSettings
    const transport = await this.router.createWebRtcTransport({
      listenIps: [{ ip: listenIp, ...(announcedIp ? { announcedIp } : {}) }],
      enableUdp: true,
      enableTcp,
      preferUdp: true,
      enableSctp: false, // no data channels: nothing in the call needs them
      appData: { direction },
    })
    peer.transports.set(transport.id, transport)
    transport.observer.on('close', () => peer.transports.delete(transport.id))
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    }
  }

  transport(peer: Peer, id: string) {
    return peer.transports.get(id) ?? fail('MEDIA_TRANSPORT_NOT_FOUND')
  }

  async produce(peer: Peer, transportId: string, kind: 'audio' | 'video', rtpParameters: types.RtpParameters) {
    const producer = await this.transport(peer, transportId).produce({ kind, rtpParameters, appData: { role: peer.role } })
    peer.producers.set(producer.id, producer)
    producer.observer.on('close', () => {
      peer.producers.delete(producer.id)
      this.emit('producersChanged')
    })
    this.other(peer.role)?.notify('producerAdded', { producerId: producer.id, kind, role: peer.role })
    this.emit('producersChanged')
    return producer.id
  }

  /** New consumers start paused; the browser resumes them once its track is wired up. */
  async consume(peer: Peer, producerId: string, rtpCapabilities: types.RtpCapabilities) {
    const owner = this.other(peer.role)
    if (!owner?.producers.has(producerId)) fail('MEDIA_PRODUCER_NOT_FOUND')
    if (!this.router.canConsume({ producerId, rtpCapabilities })) fail('MEDIA_CANNOT_CONSUME')
    const recv = [...peer.transports.values()].find((t) => t.appData.direction === 'recv') ?? fail('MEDIA_TRANSPORT_NOT_FOUND')
    const consumer = await recv.consume({ producerId, rtpCapabilities, paused: true })
    peer.consumers.set(consumer.id, consumer)
    consumer.observer.on('close', () => peer.consumers.delete(consumer.id))
    consumer.on('producerclose', () => {
      consumer.close()
      peer.notify('consumerClosed', { consumerId: consumer.id })
    })
    return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters }
  }

  async resumeConsumer(peer: Peer, consumerId: string) {
    const consumer = peer.consumers.get(consumerId) ?? fail('MEDIA_CONSUMER_NOT_FOUND')
    await consumer.resume()
    if (consumer.kind === 'video') requestKeyFrames(consumer)
  }

  async restartIce(peer: Peer, transportId: string) {
    return { iceParameters: await this.transport(peer, transportId).restartIce() }
  }

  close(reason: CloseReason = 'ended') {
    if (this.closed) return
    this.closed = true
    for (const peer of this.peers.values()) peer.close()
    this.router.close()
    this.release()
    this.emit('closed', reason)
  }
}

/**
 * The first frame needs a key frame. mediasoup repeats an unanswered request only after 1 s and
 * libwebrtc ignores requests within ~300 ms of the last, so a few spaced requests bring it sooner.
 */
export const KEY_FRAME_SCHEDULE_MS = [0, 150, 400, 700]

export function requestKeyFrames(consumer: types.Consumer, schedule: readonly number[] = KEY_FRAME_SCHEDULE_MS) {
  for (const delay of schedule) {
    setTimeout(() => {
      if (!consumer.closed) consumer.requestKeyFrame().catch(() => undefined)
    }, delay)
  }
}

const fail = (code: 'MEDIA_TRANSPORT_NOT_FOUND' | 'MEDIA_PRODUCER_NOT_FOUND' | 'MEDIA_CONSUMER_NOT_FOUND' | 'MEDIA_CANNOT_CONSUME'): never => {
  throw new AppError(code)
}
