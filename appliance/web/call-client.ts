// The browser's mirror of a Room: one signalling socket, a send and a receive transport, the local
// producers and the remote consumers. Used by the citizen page and the officer console alike.
import { Device } from 'mediasoup-client'
import type { Consumer, Producer, Transport } from 'mediasoup-client/types'
import { SignallingCalls, SignallingError } from '../media/signalling-calls.ts'
import type { Notifications, PeerRole, RequestData, RequestMethod } from '../media/signalling-protocol.ts'

type Listener<K extends keyof Notifications> = (data: Notifications[K]) => void
export type CloseCause = 'ended' | 'interrupted' | 'lost'

/** Heartbeat periods of silence after which the socket is considered dead. */
const HEARTBEATS_MISSED = 2.5
const CONNECT_TIMEOUT_MS = 10_000

export class CallClient {
  private readonly calls: SignallingCalls
  private readonly device = new Device()
  private sendTransport: Transport | null = null
  private recvTransport: Transport | null = null
  readonly producers = new Map<'audio' | 'video', Producer>()
  readonly consumers = new Map<string, Consumer>()
  /** Tracks received from the other side, in one stream for a <video> element. */
  readonly remoteStream = new MediaStream()
  role: PeerRole | null = null
  /** Called once when the socket is gone: the call ended, the box's media restarted, or the connection was lost. */
  onClose: ((why: CloseCause) => void) | null = null
  private cause: CloseCause = 'lost'
  private lastHeard = Date.now()
  private silenceLimitMs = Infinity
  private readonly watchdog: ReturnType<typeof setInterval>

  private constructor(private readonly ws: WebSocket) {
    this.calls = new SignallingCalls((text) => ws.send(text))
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now()
      this.calls.receive(JSON.parse(String(ev.data)))
    }
    ws.onclose = () => this.gone()
    this.on('producerAdded', (d) => void this.consume(d.producerId))
    this.on('consumerClosed', (d) => this.dropConsumer(d.consumerId))
    this.on('callEnded', () => (this.cause = 'ended'))
    this.on('callInterrupted', () => (this.cause = 'interrupted'))
    // A half-open socket (the phone lost its network without a close) never fires onclose by
    // itself: when the box's heartbeats stop arriving, the call is treated as lost.
    this.on('heartbeat', ({ intervalMs }) => (this.silenceLimitMs = intervalMs * HEARTBEATS_MISSED))
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeard > this.silenceLimitMs) this.gone()
    }, 500)
  }

  private gone() {
    if (this.closed) return
    this.closed = true
    clearInterval(this.watchdog)
    this.calls.failAll('连接已断开')
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close()
    this.sendTransport?.close()
    this.recvTransport?.close()
    this.onClose?.(this.cause)
  }
  private closed = false

  static connect(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/media/ws`): Promise<CallClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      const fail = () => reject(new SignallingError('DISCONNECTED', '无法连接到视频服务'))
      // Without a network the handshake may neither open nor fail for minutes.
      const timer = setTimeout(() => {
        ws.close()
        fail()
      }, CONNECT_TIMEOUT_MS)
      ws.onopen = () => {
        clearTimeout(timer)
        resolve(new CallClient(ws))
      }
      ws.onerror = () => {
        clearTimeout(timer)
        fail()
      }
    })
  }

  request<M extends RequestMethod>(method: M, data: RequestData<M>): Promise<any> {
    return this.calls.request(method, data)
  }

  on<K extends keyof Notifications>(name: K, fn: Listener<K>) {
    this.calls.on(name, fn)
  }

  /** Joins the case's call; consumes whatever the other side already publishes. */
  async join(caseId: string, token?: string) {
    const r = await this.request('join', token ? { caseId, token } : { caseId })
    this.role = r.role
    await this.device.load({ routerRtpCapabilities: r.routerRtpCapabilities })
    this.recvTransport = await this.transport('recv')
    for (const p of r.producers as Array<{ producerId: string }>) await this.consume(p.producerId)
    return r
  }

  private async transport(direction: 'send' | 'recv'): Promise<Transport> {
    const params = await this.request('createWebRtcTransport', { direction })
    const t = direction === 'send' ? this.device.createSendTransport(params) : this.device.createRecvTransport(params)
    t.on('connect', ({ dtlsParameters }, ok, fail) => {
      this.request('connectWebRtcTransport', { transportId: t.id, dtlsParameters: dtlsParameters as any }).then(ok, fail)
    })
    t.on('produce', ({ kind, rtpParameters }, ok, fail) => {
      this.request('produce', { transportId: t.id, kind, rtpParameters: rtpParameters as any }).then(ok, fail)
    })
    // A network change: new ICE parameters from the box, same transport.
    t.on('connectionstatechange', async (state) => {
      if (state === 'failed' || state === 'disconnected') {
        const { iceParameters } = await this.request('restartIce', { transportId: t.id })
        await t.restartIce({ iceParameters })
      }
    })
    return t
  }

  async publish(stream: MediaStream) {
    this.sendTransport ??= await this.transport('send')
    for (const track of stream.getTracks()) {
      const kind = track.kind as 'audio' | 'video'
      this.producers.set(kind, await this.sendTransport.produce({ track }))
    }
  }

  /** Swaps the published camera (front/back) without a new producer. */
  async replaceVideoTrack(track: MediaStreamTrack) {
    await this.producers.get('video')?.replaceTrack({ track })
  }

  private async consume(producerId: string) {
    if (!this.recvTransport) return
    const params = await this.request('consume', { producerId, rtpCapabilities: this.device.recvRtpCapabilities as any })
    const consumer = await this.recvTransport.consume(params)
    this.consumers.set(consumer.id, consumer)
    for (const old of this.remoteStream.getTracks().filter((t) => t.kind === consumer.kind)) this.remoteStream.removeTrack(old)
    this.remoteStream.addTrack(consumer.track)
    await this.request('resumeConsumer', { consumerId: consumer.id })
  }

  private dropConsumer(id: string) {
    const c = this.consumers.get(id)
    if (!c) return
    this.remoteStream.removeTrack(c.track)
    c.close()
    this.consumers.delete(id)
  }

  close() {
    this.cause = 'ended'
    this.gone()
  }
}
