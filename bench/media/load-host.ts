// A load-generator process: simulated calls, each a citizen (phone) publishing camera and microphone
// and an officer (console) consuming them and publishing a microphone, all with @roamhq/wrtc through
// the box's own signalling. Driven by media.bench.ts over the IPC channel (see protocol.ts); exits
// when that channel closes, so a dead benchmark leaves no peers behind.
import { performance } from 'node:perf_hooks'
import wrtc from '@roamhq/wrtc'
import type { Consumer } from 'mediasoup-client/types'
import { HttpClient } from '../lib/http-client.ts'
import { MediaPeer } from './peer.ts'
import type { AcceptTiming, CallCounters, HostCommand, HostInit, HostReply } from './protocol.ts'
import { Signalling } from './signalling-client.ts'
import { Pacer, audioTrack, renderFrames, videoTrack } from './synthetic-media.ts'

const { RTCVideoSink, RTCAudioSink } = wrtc.nonstandard

interface Call {
  n: number
  caseId: string
  token: string
  citizen: MediaPeer
  officer: MediaPeer | null
  stops: Array<() => void>
  /** performance.now() of the accept; first-media times are measured from here. */
  acceptAt: number | null
  officerFirstFrameAt: number | null
  citizenFirstAudioAt: number | null
  firstMedia: () => void
}

let init: HostInit | null = null
let frames: Uint8Array[] = []
const pacer = new Pacer()
const calls = new Map<number, Call>()
const errors: string[] = []

const wsUrl = () => `${init!.url.replace(/^http/, 'ws')}/api/media/ws`

function watchFirstVideoFrame(call: Call, c: Consumer) {
  if (c.kind !== 'video') return
  const sink = new RTCVideoSink(c.track as any)
  sink.onframe = () => {
    // Only the first frame is timed; the frame rate comes from getStats (framesDecoded), so no
    // frame is copied into JavaScript after this one.
    sink.stop()
    if (call.officerFirstFrameAt === null) call.officerFirstFrameAt = performance.now()
    call.firstMedia()
  }
}

function watchFirstAudio(call: Call, c: Consumer) {
  if (c.kind !== 'audio') return
  const sink = new RTCAudioSink(c.track as any)
  sink.ondata = (d: { samples: Int16Array }) => {
    // The receiver plays silence until the first packet is decoded: wait for the tone.
    if (!d.samples.some((s) => Math.abs(s) > 100)) return
    sink.stop()
    if (call.citizenFirstAudioAt === null) call.citizenFirstAudioAt = performance.now()
    call.firstMedia()
  }
}

async function startCitizen(n: number): Promise<{ caseId: string }> {
  const { url, video } = init!
  const http = new HttpClient(url)
  const r = await http.post<{ caseId: string; token: string }>('/api/citizen/reports', {
    location: { lat: 30.65 + n * 1e-4, lng: 104.08 },
    phone: `138${String(n).padStart(8, '0')}`,
  })
  http.bearer = r.token
  await http.post(`/api/citizen/cases/${r.caseId}/join`)
  const citizen = new MediaPeer(await Signalling.connect(wsUrl()))
  const call: Call = {
    n, caseId: r.caseId, token: r.token, citizen, officer: null, stops: [],
    acceptAt: null, officerFirstFrameAt: null, citizenFirstAudioAt: null, firstMedia: () => {},
  }
  calls.set(n, call)
  citizen.onError = (e) => errors.push(`call ${n} citizen: ${String(e)}`)
  citizen.onConsumer = (c) => watchFirstAudio(call, c)
  await citizen.join(r.caseId, r.token)
  const cam = videoTrack(pacer, frames, video.width, video.height, video.fps, (n * 7) % frames.length)
  const mic = audioTrack(pacer)
  call.stops.push(cam.stop, mic.stop)
  await citizen.publish({ track: cam.track as any, encodings: [{ maxBitrate: video.maxBitrate }] })
  await citizen.publish({ track: mic.track as any })
  return { caseId: r.caseId }
}

async function accept(n: number, timeoutMs: number): Promise<AcceptTiming> {
  const call = calls.get(n) ?? fail(`no citizen for call ${n}`)
  const { url, officerCookie } = init!
  const http = new HttpClient(url)
  http.cookie = officerCookie
  const both = new Promise<void>((resolve) => {
    call.firstMedia = () => {
      if (call.officerFirstFrameAt !== null && call.citizenFirstAudioAt !== null) resolve()
    }
  })
  const keyFramesBefore = find(await statsOf(call.citizen, 'send'), 'outbound-rtp', 'video').keyFramesEncoded ?? 0
  const t0 = performance.now()
  call.acceptAt = t0
  await http.post(`/api/cases/${call.caseId}/accept`)
  const acceptHttpMs = performance.now() - t0
  // As the console does: accept, then open the call, consume the citizen, publish the microphone.
  const officer = new MediaPeer(await Signalling.connect(wsUrl(), { cookie: officerCookie }))
  const socketOpenMs = performance.now() - t0
  call.officer = officer
  officer.onError = (e) => errors.push(`call ${n} officer: ${String(e)}`)
  officer.onConsumer = (c) => watchFirstVideoFrame(call, c)
  // Until the first frame, watch the officer's video stream (every 20 ms) to see where the wait goes.
  let officerFirstPacketAt: number | null = null
  let plis = 0
  let firstFrameKeyFrames = keyFramesBefore
  const deadline = t0 + timeoutMs
  const watching = (async () => {
    while (call.officerFirstFrameAt === null && performance.now() < deadline) {
      const vIn = find(await statsOf(officer, 'recv'), 'inbound-rtp', 'video')
      if (officerFirstPacketAt === null && (vIn.packetsReceived ?? 0) > 0) officerFirstPacketAt = performance.now()
      plis = vIn.pliCount ?? plis
      firstFrameKeyFrames = find(await statsOf(call.citizen, 'send'), 'outbound-rtp', 'video').keyFramesEncoded ?? firstFrameKeyFrames
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  await officer.join(call.caseId)
  const joinedMs = performance.now() - t0
  const mic = audioTrack(pacer)
  call.stops.push(mic.stop)
  await officer.publish({ track: mic.track as any })
  await Promise.race([both, new Promise((r) => setTimeout(r, Math.max(0, deadline - performance.now())))])
  await watching
  const since = (t: number | null) => (t === null ? null : t - t0)
  return {
    call: n,
    caseId: call.caseId,
    acceptHttpMs,
    socketOpenMs,
    joinedMs,
    officerTransportMs: since(officer.connectedAt.recv),
    officerFirstPacketMs: since(officerFirstPacketAt),
    keyFramesEncoded: firstFrameKeyFrames - keyFramesBefore,
    officerPlis: plis,
    officerFirstFrameMs: since(call.officerFirstFrameAt),
    citizenFirstAudioMs: since(call.citizenFirstAudioAt),
  }
}

type Stat = Record<string, any>
async function statsOf(peer: MediaPeer | null, which: 'send' | 'recv'): Promise<Stat[]> {
  const t = peer?.[which]
  if (!t || t.closed) return []
  const report = await t.getStats()
  return [...report.values()] as Stat[]
}
/** The stream of that type and kind (mediasoup's bandwidth "probator" stream on the receive side is not one). */
const find = (stats: Stat[], type: string, kind: string): Stat =>
  stats
    .filter((s) => s.type === type && (s.kind ?? s.mediaType) === kind && s.mid !== 'probator')
    .reduce<Stat>((best, s) => ((s.bytesReceived ?? s.bytesSent ?? 0) >= (best.bytesReceived ?? best.bytesSent ?? -1) ? s : best), {})

async function counters(call: Call): Promise<CallCounters> {
  const [cSend, cRecv, oRecv] = await Promise.all([statsOf(call.citizen, 'send'), statsOf(call.citizen, 'recv'), statsOf(call.officer, 'recv')])
  const vOut = find(cSend, 'outbound-rtp', 'video')
  const aOut = find(cSend, 'outbound-rtp', 'audio')
  const vIn = find(oRecv, 'inbound-rtp', 'video')
  const aInO = find(oRecv, 'inbound-rtp', 'audio')
  const aInC = find(cRecv, 'inbound-rtp', 'audio')
  return {
    call: call.n,
    at: performance.timeOrigin + performance.now(),
    framesEncoded: vOut.framesEncoded ?? 0,
    framesSent: vOut.framesSent ?? 0,
    videoBytesSent: vOut.bytesSent ?? 0,
    sentWidth: vOut.frameWidth ?? 0,
    sentHeight: vOut.frameHeight ?? 0,
    qualityLimitation: vOut.qualityLimitationReason ?? 'unknown',
    encodeSeconds: vOut.totalEncodeTime ?? 0,
    audioBytesSent: aOut.bytesSent ?? 0,
    framesReceived: vIn.framesReceived ?? 0,
    framesDecoded: vIn.framesDecoded ?? 0,
    framesDropped: vIn.framesDropped ?? 0,
    videoBytesReceived: vIn.bytesReceived ?? 0,
    videoPacketsLost: vIn.packetsLost ?? 0,
    recvWidth: vIn.frameWidth ?? 0,
    recvHeight: vIn.frameHeight ?? 0,
    decodeSeconds: vIn.totalDecodeTime ?? 0,
    audioPacketsReceivedOfficer: aInO.packetsReceived ?? 0,
    audioPacketsReceivedCitizen: aInC.packetsReceived ?? 0,
  }
}

function hangUp(call: Call) {
  for (const stop of call.stops) stop()
  call.officer?.close()
  call.citizen.close()
  calls.delete(call.n)
}

async function closeAll() {
  for (const call of calls.values()) hangUp(call)
  pacer.stop()
}

const fail = (msg: string): never => {
  throw new Error(msg)
}

async function handle(cmd: HostCommand): Promise<unknown> {
  switch (cmd.op) {
    case 'init':
      init = cmd.init
      frames = renderFrames(init.video.width, init.video.height, 2 * init.video.fps)
      return { pid: process.pid }
    case 'citizen':
      return startCitizen(cmd.call)
    case 'accept':
      return accept(cmd.call, cmd.timeoutMs)
    case 'drop': {
      const call = calls.get(cmd.call)
      if (call) hangUp(call)
      return {}
    }
    case 'stats':
      return { calls: await Promise.all([...calls.values()].map(counters)), errors: errors.splice(0) }
    case 'close':
      await closeAll()
      return {}
  }
}

process.on('message', (cmd: HostCommand) => {
  handle(cmd).then(
    (data) => process.send!({ reqId: cmd.reqId, ok: true, data } satisfies HostReply),
    (e: unknown) => process.send!({ reqId: cmd.reqId, ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies HostReply),
  )
})
// The benchmark is gone (finished, crashed or killed): drop every peer and leave.
process.on('disconnect', () => {
  void closeAll().finally(() => process.exit(0))
})
