// The media worker's public ports under garbage during a live call (headless Chromium): random UDP
// datagrams, truncated STUN, bogus DTLS records and RTP-looking junk at every ICE port, TCP
// connections that send junk or just hang. The call keeps delivering frames and the worker stays up.
// Also: no transport the box creates has SCTP, and a data channel is refused.
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import t from 'tap'
import * as mediasoup from 'mediasoup'
import type { types } from 'mediasoup'
import WebSocket from 'ws'
import { launchBrowser } from '../test-support/browser.ts'
import { answerOnConsole, framesDecoded, reportFromPhone } from '../test-support/call-pages.ts'
import { prng } from '../test-support/prng.ts'
import { startTestBox } from '../test-support/test-box.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Every transport the box's workers create, seen through mediasoup's observers. */
function watchTransports() {
  const transports: types.Transport[] = []
  const routers: types.Router[] = []
  mediasoup.observer.on('newworker', (w: types.Worker) =>
    w.observer.on('newrouter', (r: types.Router) => {
      routers.push(r)
      r.observer.on('newtransport', (tr: types.Transport) => transports.push(tr))
    }))
  return { transports, routers }
}

/** Garbage shaped like what the port expects, and not. */
function garbage(rand: () => number): Buffer {
  const n = (k: number) => Math.floor(rand() * k)
  switch (n(5)) {
    case 0: // random bytes of any size
      return randomBytes(1 + n(1400))
    case 1: { // STUN binding request header claiming more than it carries
      const b = Buffer.alloc(20 + n(12))
      b.writeUInt16BE(0x0001, 0)
      b.writeUInt16BE(200 + n(1000), 2)
      b.writeUInt32BE(0x2112a442, 4)
      randomBytes(12).copy(b, 8)
      return b
    }
    case 2: { // DTLS handshake record with a random body and a lying length
      const b = Buffer.concat([Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(2), randomBytes(n(300))])
      b.writeUInt16BE(n(65535), 11)
      return b
    }
    case 3: { // RTP-looking: version 2, random everything else
      const b = randomBytes(12 + n(1200))
      b[0] = 0x80 | (b[0]! & 0x3f)
      return b
    }
    default: // RTCP-looking with payload type 200..204
      return Buffer.concat([Buffer.from([0x80, 200 + n(5)]), randomBytes(2 + n(200))])
  }
}

async function floodUdp(ports: number[], ms: number, rand: () => number) {
  const sock = createSocket('udp4')
  let sent = 0
  const until = Date.now() + ms
  while (Date.now() < until) {
    for (let i = 0; i < 50; i++) {
      for (const port of ports) {
        sock.send(garbage(rand), port, '127.0.0.1')
        sent++
      }
    }
    await sleep(20)
  }
  await new Promise<void>((r) => sock.close(() => r()))
  return sent
}

async function floodTcp(ports: number[], ms: number, rand: () => number) {
  const open: Socket[] = []
  let connections = 0
  const until = Date.now() + ms
  while (Date.now() < until) {
    for (const port of ports) {
      const s = connect(port, '127.0.0.1')
      s.on('error', () => undefined)
      connections++
      const kind = Math.floor(rand() * 3)
      s.on('connect', () => {
        if (kind === 0) s.end(randomBytes(1 + Math.floor(rand() * 4000))) // junk, then close
        else if (kind === 1) s.write(Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(64)])) // RFC 4571 frame promising 64 KiB
        // kind 2: connect and say nothing
      })
      open.push(s)
    }
    await sleep(100)
  }
  for (const s of open) s.destroy()
  return connections
}

t.test('garbage at the worker ports during a call', async (t) => {
  const { transports, routers } = watchTransports()
  const box = await startTestBox({}, { media: true, realTime: true })
  t.teardown(box.close)
  const worker = box.media!.workers[0]!
  let died = false
  box.media!.on('died', () => (died = true))
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const { caseId } = await reportFromPhone(browser, box.url)
  const console_ = await answerOnConsole(browser, box, 'seat01', caseId)
  t.ok((await framesDecoded(console_, '#citizen-video')).frames >= 5, 'the call delivers video')
  await sleep(1500) // the recorder's plain transports are up too

  // SCTP is off on every transport the box created for this call, browsers' and recorder's alike.
  const webrtc = transports.filter((tr) => tr.constructor.name === 'WebRtcTransport') as types.WebRtcTransport[]
  t.ok(webrtc.length >= 4, `two transports per browser (${webrtc.length})`)
  t.ok(transports.some((tr) => tr.constructor.name === 'PlainTransport'), "the recorder's transports are among them")
  for (const tr of transports) {
    t.equal((tr as types.WebRtcTransport | types.PlainTransport).sctpParameters, undefined, `${tr.constructor.name} ${tr.id.slice(0, 8)}: no SCTP`)
  }
  const dataChannel = { sctpStreamParameters: { streamId: 1, ordered: true } }
  await t.rejects(webrtc[0]!.produceData(dataChannel), 'a data channel is refused on the call transport')
  // Control: the same request on a transport with SCTP enabled succeeds, so SCTP is what refused it.
  const control = await routers.find((r) => !r.closed)!.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableSctp: true })
  t.ok(await control.produceData(dataChannel), 'accepted where SCTP is on (control)')
  control.close()
  const ws = new WebSocket(`${box.url.replace('http', 'ws')}/api/media/ws`)
  await new Promise((r) => ws.once('open', r))
  const reply = new Promise<any>((resolve) => ws.on('message', (m) => {
    const msg = JSON.parse(String(m))
    if (msg.id === 1) resolve(msg)
  }))
  ws.send(JSON.stringify({ id: 1, method: 'produceData', data: { transportId: webrtc[0]!.id, sctpStreamParameters: { streamId: 1 } } }))
  t.equal((await reply).error.code, 'MEDIA_UNKNOWN_REQUEST', 'signalling has no data-channel request')
  ws.close()

  const live = webrtc.filter((tr) => !tr.closed)
  const udpPorts = [...new Set(live.flatMap((tr) => tr.iceCandidates.filter((c) => c.protocol === 'udp').map((c) => c.port)))]
  const tcpPorts = [...new Set(live.flatMap((tr) => tr.iceCandidates.filter((c) => c.protocol === 'tcp').map((c) => c.port)))]
  t.ok(udpPorts.length >= 4 && tcpPorts.length >= 4, `flooding ${udpPorts.length} UDP and ${tcpPorts.length} TCP ports`)

  const rand = prng(8)
  const flood = Promise.all([floodUdp(udpPorts, 8000, rand), floodTcp(tcpPorts, 8000, rand)])
  await sleep(2000)
  const during = await framesDecoded(console_, '#citizen-video', 3000)
  const [datagrams, connections] = await flood
  t.ok(datagrams > 10_000, `${datagrams} garbage datagrams sent`)
  t.ok(connections > 100, `${connections} junk TCP connections made`)
  t.ok(during.frames >= 10, `frames keep arriving during the flood (${during.frames} in 3 s)`)
  const after = await framesDecoded(console_, '#citizen-video', 2000)
  t.ok(after.frames >= 5, `and after it (${after.frames} in 2 s)`)
  t.notOk(died, 'the worker did not die')
  t.equal(box.media!.workers[0], worker, 'the same worker process')
  t.ok((await worker.getResourceUsage()).ru_maxrss > 0, 'and it answers')
})
