// Signalling over a real WebSocket to a box with a real SFU worker: auth, schemas, roles, errors.
import t from 'tap'
import WebSocket from 'ws'
import { citizenReport, officer, startTestBox, type TestBox } from '../test-support/test-box.ts'

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
  static open(box: TestBox, cookie = ''): Promise<Socket> {
    const ws = new WebSocket(`${box.url.replace('http', 'ws')}/api/media/ws`, { headers: cookie ? { cookie } : {} })
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
