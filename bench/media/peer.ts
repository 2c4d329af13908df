// One side of a call in Node: mediasoup-client's Chrome111 handler driving an @roamhq/wrtc
// RTCPeerConnection (libwebrtc M106) — the same SDP, codecs, congestion control and encoder as a
// Chromium page, without a browser. Mirrors appliance/web/call-client.ts.
import wrtc from '@roamhq/wrtc'
import { Device } from 'mediasoup-client'
import type { Consumer, Producer, ProducerOptions, Transport } from 'mediasoup-client/types'
import type { Signalling } from './signalling-client.ts'

// The handler creates its RTCPeerConnections and MediaStreams from the globals, as in a browser.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  MediaStream: wrtc.MediaStream,
  MediaStreamTrack: wrtc.MediaStreamTrack,
})

export class MediaPeer {
  private readonly device = new Device({ handlerName: 'Chrome111' })
  send: Transport | null = null
  recv: Transport | null = null
  readonly producers: Producer[] = []
  readonly consumers: Consumer[] = []
  /** performance.now() when each transport first reached "connected" (ICE and DTLS done). */
  readonly connectedAt: { send: number | null; recv: number | null } = { send: null, recv: null }
  /** Called with each new consumer before it is resumed (attach sinks here, so no frame is missed). */
  onConsumer: (c: Consumer) => void = () => {}
  onError: (e: unknown) => void = () => {}

  constructor(readonly sig: Signalling) {
    sig.on('producerAdded', (d) => void this.consume(d.producerId).catch((e) => this.onError(e)))
  }

  async join(caseId: string, token?: string) {
    const r = await this.sig.request('join', token ? { caseId, token } : { caseId })
    await this.device.load({ routerRtpCapabilities: r.routerRtpCapabilities })
    this.recv = await this.transport('recv')
    for (const p of r.producers as Array<{ producerId: string }>) await this.consume(p.producerId)
    return r
  }

  private async transport(direction: 'send' | 'recv'): Promise<Transport> {
    const params = await this.sig.request('createWebRtcTransport', { direction })
    const t = direction === 'send' ? this.device.createSendTransport(params) : this.device.createRecvTransport(params)
    t.on('connect', ({ dtlsParameters }, ok, fail) => {
      this.sig.request('connectWebRtcTransport', { transportId: t.id, dtlsParameters: dtlsParameters as any }).then(ok, fail)
    })
    t.on('connectionstatechange', (state) => {
      if (state === 'connected') this.connectedAt[direction] ??= performance.now()
    })
    t.on('produce', ({ kind, rtpParameters }, ok, fail) => {
      this.sig.request('produce', { transportId: t.id, kind, rtpParameters: rtpParameters as any }).then(ok, fail)
    })
    return t
  }

  async publish(options: ProducerOptions) {
    this.send ??= await this.transport('send')
    const p = await this.send.produce(options)
    this.producers.push(p)
    return p
  }

  private async consume(producerId: string) {
    if (!this.recv) return
    const params = await this.sig.request('consume', { producerId, rtpCapabilities: this.device.recvRtpCapabilities as any })
    const consumer = await this.recv.consume(params)
    this.consumers.push(consumer)
    this.onConsumer(consumer)
    await this.sig.request('resumeConsumer', { consumerId: consumer.id })
  }

  close() {
    this.sig.close()
    this.send?.close()
    this.recv?.close()
  }
}
