// Signalling over a real WebSocket to a box with a real SFU worker: auth, schemas, roles, errors.
import t from 'tap'
import { eq } from 'drizzle-orm'
import WebSocket from 'ws'
import { DEFAULT_CONFIG } from '../../firmware-config/config.ts'
import * as s from '../db/schema.ts'
import { citizenReport, officer, startTestBox, type TestBox } from '../test-support/test-box.ts'
import { CLOSE, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, RATE_BURST } from './signalling.ts'

class Socket {
  private nextId = 1
  private readonly inbox: any[] = []
  private waiters: Array<() => void> = []
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (m) => {
      this.inbox.push(JSON.parse(String(m)))
      for (const w of this.waiters.splice(0)) w()
    })
  }
  static open(box: TestBox, cookie = '', options: WebSocket.ClientOptions = {}): Promise<Socket> {
    const ws = new WebSocket(`${box.url.replace('http', 'ws')}/api/media/ws`, { headers: cookie ? { cookie } : {}, ...options })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Socket(ws)))
      ws.once('error', reject)
    })
  }
  async next(match: (m: any) => boolean): Promise<any> {
    for (;;) {
      const i = this.inbox.findIndex(match)
      if (i >= 0) return this.inbox.splice(i, 1)[0]
      await new Promise<void>((r) => this.waiters.push(r))
    }
  }
  sendRaw(text: string) {
    this.ws.send(text)
  }
  async request(method: string, data: unknown = {}) {
    const id = this.nextId++
    this.ws.send(JSON.stringify({ id, method, data }))
    return this.next((m) => m.id === id)
  }
  close() {
    this.ws.close()
  }
  /** Resolves with the close code once the box closes the socket. */
  closed(): Promise<number> {
    return this.ws.readyState === WebSocket.CLOSED ? Promise.resolve(-1) : new Promise((r) => this.ws.once('close', (code) => r(code)))
  }
}

t.test('signalling refuses what it should, with codes', async (t) => {
  const box = await startTestBox({}, { media: true })
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  const other = await citizenReport(box, { phone: '13900139000' })

  const ws = await Socket.open(box)
  t.teardown(() => ws.close())
  ws.sendRaw('not json')
  t.same((await ws.next((m) => m.id === -1)).error.code, 'VALIDATION_FAILED')
  ws.sendRaw(JSON.stringify({ id: 7, method: 'join', data: { caseId }, extra: 1 }))
  t.equal((await ws.next((m) => m.id === -1)).error.code, 'VALIDATION_FAILED', 'unknown top-level keys')
  t.equal((await ws.request('fly')).error.code, 'MEDIA_UNKNOWN_REQUEST')
  t.equal((await ws.request('createWebRtcTransport', { direction: 'send' })).error.code, 'MEDIA_NOT_JOINED')
  t.equal((await ws.request('join', { caseId: 'nope' })).error.code, 'VALIDATION_FAILED')
  t.equal((await ws.request('join', { caseId, token: 'forged' })).error.code, 'CITIZEN_TOKEN_INVALID')
  t.equal((await ws.request('join', { caseId: other.caseId, token: citizen.bearer })).error.code, 'CITIZEN_TOKEN_INVALID', "another case's token")
  t.equal((await ws.request('join', { caseId })).error.code, 'AUTH_REQUIRED', 'no token, no officer session')
  t.equal((await ws.request('join', { caseId, token: citizen.bearer })).error.code, 'MEDIA_CALL_NOT_ACTIVE', 'not yet waiting')

  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  const joined = await ws.request('join', { caseId, token: citizen.bearer })
  t.equal(joined.ok, true)
  t.equal(joined.data.role, 'citizen')
  t.ok(joined.data.routerRtpCapabilities.codecs.some((c: any) => c.mimeType === 'video/VP8'))
  t.equal((await ws.request('join', { caseId, token: citizen.bearer })).error.code, 'VALIDATION_FAILED', 'joins once')
  t.equal((await ws.request('requestStill')).error.code, 'MEDIA_ROLE_NOT_ALLOWED', 'officer-only request')
  t.equal((await ws.request('produce', { transportId: 'x', kind: 'video', rtpParameters: {} })).error.code, 'MEDIA_TRANSPORT_NOT_FOUND')
  const transport = await ws.request('createWebRtcTransport', { direction: 'send' })
  t.ok(transport.data.dtlsParameters.fingerprints.length > 0)
  t.ok(transport.data.iceCandidates.some((c: any) => c.protocol === 'tcp'), 'ICE over TCP offered as a fallback')
  t.equal(transport.data.sctpParameters, undefined, 'no SCTP offered: the browser cannot open a data channel')
  t.equal((await ws.request('produceData', { transportId: transport.data.id, sctpStreamParameters: { streamId: 0 } })).error.code, 'MEDIA_UNKNOWN_REQUEST')
})

t.test('an officer joins only the calls they handle, once answered', async (t) => {
  const box = await startTestBox({}, { media: true })
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  const seat1 = await officer(box, 'seat01')
  const seat2 = await officer(box, 'seat02')
  const field = await officer(box, 'field01')

  let ws = await Socket.open(box, seat1.cookie)
  t.equal((await ws.request('join', { caseId })).error.code, 'MEDIA_CALL_NOT_ACTIVE', 'accept first')
  ws.close()
  await seat1.post(`/api/cases/${caseId}/accept`)
  for (const [who, code] of [[seat2, 'CASE_ASSIGNED_ELSEWHERE'], [field, 'AUTH_REQUIRED']] as const) {
    ws = await Socket.open(box, who.cookie)
    t.equal((await ws.request('join', { caseId })).error.code, code)
    ws.close()
  }
  ws = await Socket.open(box, seat1.cookie)
  t.teardown(() => ws.close())
  const r = await ws.request('join', { caseId })
  t.equal(r.data.role, 'officer')
  t.equal((await ws.request('requestStill')).error.code, 'MEDIA_PEER_ABSENT', 'no citizen in the call yet')
})

t.test('abusive connections are closed; other calls go on', async (t) => {
  const box = await startTestBox({}, { media: true })
  t.teardown(box.close)
  // A call in progress on another connection, to check it is unaffected.
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  const good = await Socket.open(box)
  t.teardown(() => good.close())
  t.equal((await good.request('join', { caseId, token: citizen.bearer })).ok, true)

  // Unauthenticated: a connection without a session or token may only fail to join.
  const anon = await Socket.open(box)
  t.equal((await anon.request('join', { caseId })).error.code, 'AUTH_REQUIRED')
  t.equal((await anon.request('createWebRtcTransport', { direction: 'recv' })).error.code, 'MEDIA_NOT_JOINED')
  t.equal((await anon.request('requestStill')).error.code, 'MEDIA_NOT_JOINED')
  // Malformed: each kind gets VALIDATION_FAILED, the connection stays usable.
  for (const bad of ['{', '[]', 'null', '{"id":"x","method":"join"}', '{"id":1}', JSON.stringify({ id: 2, method: 'x'.repeat(100) })]) {
    anon.sendRaw(bad)
    t.equal((await anon.next((m) => m.id === -1)).error.code, 'VALIDATION_FAILED', `malformed: ${bad.slice(0, 30)}`)
  }
  anon.ws.send(Buffer.from([1, 2, 3]), { binary: true })
  t.equal((await anon.next((m) => m.id === -1)).error.code, 'VALIDATION_FAILED', 'binary frames')
  t.equal((await anon.request('join', { caseId: 'not-a-uuid' })).error.code, 'VALIDATION_FAILED', 'a bad field')
  anon.close()

  // Oversized: the message is answered with its code and the connection closed.
  const big = await Socket.open(box)
  big.sendRaw(JSON.stringify({ id: 1, method: 'join', data: { caseId, token: 'x'.repeat(MAX_MESSAGE_BYTES) } }))
  t.equal((await big.next((m) => m.id === -1)).error.code, 'MEDIA_MESSAGE_TOO_LARGE')
  t.equal(await big.closed(), CLOSE.tooLarge, 'closed as too large')
  // Beyond the frame limit the WebSocket layer drops the connection without reading the frame.
  const huge = await Socket.open(box)
  huge.ws.on('error', () => undefined)
  huge.sendRaw('x'.repeat(MAX_FRAME_BYTES + 1))
  t.equal(await huge.closed(), 1009, 'a frame over the limit closes the connection')

  // Flooding: past the burst, the connection is told and closed.
  const noisy = await Socket.open(box)
  for (let i = 0; i < RATE_BURST * 3; i++) noisy.sendRaw(JSON.stringify({ id: i, method: 'fly' }))
  t.equal((await noisy.next((m) => m.id === -1)).error.code, 'MEDIA_TOO_MANY_MESSAGES')
  t.equal(await noisy.closed(), CLOSE.policy, 'closed for policy violation')

  // The box and the call in progress are untouched.
  const transport = await good.request('createWebRtcTransport', { direction: 'recv' })
  t.equal(transport.ok, true, 'the other call still gets answers')
  t.equal((await citizen.get('/api/health')).status, 200)
  t.equal(box.media!.workers[0]!.closed, false, 'the worker is up')
})

t.test('the box drops a connection that stops answering its heartbeat', async (t) => {
  const box = await startTestBox({ media: { ...DEFAULT_CONFIG.media, heartbeatMs: 200 } }, { media: true })
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  // A half-open client: the TCP connection stays, but nothing answers the box's pings.
  const ws = await Socket.open(box, '', { autoPong: false })
  const beat = await ws.next((m) => m.notification === 'heartbeat')
  t.same(beat.data, { intervalMs: 200 }, 'the box tells the period')
  t.equal((await ws.request('join', { caseId, token: citizen.bearer })).ok, true)
  t.equal(await ws.closed(), 1006, 'terminated without a close handshake')
  let status = ''
  for (let i = 0; i < 40 && status !== 'dropped'; i++) {
    status = box.db.select().from(s.cases).where(eq(s.cases.id, caseId)).get()!.callStatus
    await new Promise((r) => setTimeout(r, 50))
  }
  t.equal(status, 'dropped', 'the citizen shows as dropped, so the officer knows')
})
