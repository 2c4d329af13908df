// A roadside camera (ffmpeg test pattern → RTSP server from npm) seen live through the box.
import t from 'tap'
import WebSocket from 'ws'
import { nearestCameras } from './nearest.ts'
import { startRtspCamera } from '../test-support/rtsp-camera.ts'
import { officer, startTestBox } from '../test-support/test-box.ts'

t.test('the nearest cameras, in order, within range', async (t) => {
  const cams = [
    { id: 'far', name: '远处', lat: 30.70, lng: 104.20, rtspUrl: 'rtsp://x/far' },
    { id: 'near', name: '近处', lat: 30.6575, lng: 104.0807, rtspUrl: 'rtsp://x/near' },
    { id: 'mid', name: '中间', lat: 30.66, lng: 104.09, rtspUrl: 'rtsp://x/mid' },
  ]
  t.same(nearestCameras(cams, { lat: 30.6574, lng: 104.0806 }).map((c) => c.id), ['near', 'mid'], 'the one 12 km away is left out')
})

t.test('frames arrive from a roadside camera over the officer\'s WebSocket', async (t) => {
  const camera = await startRtspCamera()
  t.teardown(() => camera.close())
  const box = await startTestBox({
    cameras: [{ id: 'chunxi-1', name: '春熙路口', lat: 30.6575, lng: 104.0808, rtspUrl: camera.url }],
  }, { media: true })
  t.teardown(() => box.close())
  const seat = await officer(box, 'seat01')

  const near = await seat.get('/api/cameras/nearest?lat=30.6574&lng=104.0806')
  t.same(near.body.cameras.map((c: { id: string }) => c.id), ['chunxi-1'])
  t.equal((await seat.get('/api/cameras/nearest?lat=north&lng=104')).body.code, 'VALIDATION_FAILED')

  const wsUrl = box.url.replace(/^http/, 'ws') + '/api/cameras/chunxi-1/live'
  const refused = await new Promise<number>((done) => {
    const ws = new WebSocket(wsUrl)
    ws.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0))
    ws.on('open', () => done(101))
  })
  t.equal(refused, 401, 'no officer session: no live view')

  // Collect a few seconds of stream: MPEG-TS packets carrying MPEG-1 video, as the console's player expects.
  const ws = new WebSocket(wsUrl, { headers: { cookie: seat.cookie } })
  const chunks: Buffer[] = []
  await new Promise<void>((done, reject) => {
    const timer = setTimeout(() => reject(new Error('no video within 60 s')), 60_000)
    ws.on('message', (data: Buffer) => {
      chunks.push(data)
      const all = Buffer.concat(chunks)
      // Several sequence headers: the stream keeps flowing, not a single burst.
      if (countOf(all, Buffer.from([0, 0, 1, 0xb3])) >= 3) {
        clearTimeout(timer)
        done()
      }
    })
    ws.on('error', reject)
  })
  const all = Buffer.concat(chunks)
  t.equal(all[0], 0x47, 'MPEG-TS sync byte')
  t.ok(countOf(all, Buffer.from([0, 0, 1, 0xb3])) >= 3, 'MPEG-1 sequence headers keep arriving')
  ws.close()
  t.equal((await seat.get('/api/cameras/nearest?lat=30.6574&lng=104.0806')).status, 200)

  const unknown = await new Promise<number>((done) => {
    const w = new WebSocket(box.url.replace(/^http/, 'ws') + '/api/cameras/nope/live', { headers: { cookie: seat.cookie } })
    w.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0))
    w.on('open', () => done(101))
  })
  t.equal(unknown, 404, 'an unknown camera is refused')
})

function countOf(hay: Buffer, needle: Buffer): number {
  let n = 0
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) n++
  return n
}
