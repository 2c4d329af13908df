// The officer console in headless Chromium shows the roadside cameras nearest the open case
// (附近路面监控), plays one from an RTSP camera (ffmpeg test pattern behind an RTSP server from npm)
// through the box into a <canvas> (joining a stream another officer already watches), says so when
// a camera cannot be reached or none is near, and stopping a view (or leaving the case) drops the
// box's viewer, and its ffmpeg with the last one.
import t from 'tap'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import WebSocket from 'ws'
import { errorsOf, launchBrowser, newPage } from '../test-support/browser.ts'
import { startRtspCamera } from '../test-support/rtsp-camera.ts'
import { citizenReport, officer, startTestBox } from '../test-support/test-box.ts'

/** A point about 11 km north of the reports' default location: no camera within 5 km. */
const FAR_AWAY = { lat: 30.7574, lng: 104.0806, accuracyM: 12 }

async function answerOnConsole(page: Page, caseId: string) {
  await page.click(`button.accept[data-case="${caseId}"]`)
  await page.waitForSelector('#case-panel #case-state', { timeout: 20_000 })
}

/** The canvas as the officer sees it (composited, so WebGL and 2D canvases alike): size and colour spread. */
async function canvasShot(page: Page, cameraId: string) {
  const png = await page.locator(`canvas[data-camera="${cameraId}"]`).screenshot({ timeout: 10_000 })
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const stats = await sharp(png).removeAlpha().stats()
  return { data, width: info.width, spread: Math.max(...stats.channels.map((c) => c.stdev)) }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

t.test('附近路面监控: nearest cameras listed, one played into a canvas, stopped, failures said', async (t) => {
  const camera = await startRtspCamera()
  t.teardown(() => camera.close())
  const box = await startTestBox({
    cameras: [
      { id: 'chunxi-1', name: '春熙路口', lat: 30.6575, lng: 104.0808, rtspUrl: camera.url },
      // Nothing listens there: ffmpeg gives up, the box closes the viewer's socket.
      { id: 'dead-1', name: '红星路口', lat: 30.6600, lng: 104.0850, rtspUrl: 'rtsp://127.0.0.1:9/none' },
      { id: 'far-1', name: '远郊路口', lat: 30.9000, lng: 104.3000, rtspUrl: camera.url },
    ],
  }, { media: true, realTime: true })
  t.teardown(box.close)
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const near = await citizenReport(box)
  await near.citizen.post(`/api/citizen/cases/${near.caseId}/join`)

  const page = await newPage(browser)
  await page.goto(`${box.url}/console`)
  await page.fill('#username', 'seat01')
  await page.fill('#password', box.accounts.seat01!.password)
  await page.click('#login')
  await answerOnConsole(page, near.caseId)

  await page.waitForSelector('#nearby-cameras li[data-camera]', { timeout: 20_000 })
  t.equal(await page.textContent('#nearby-cameras h3'), '附近路面监控')
  const rows = await page.$$eval('#nearby-cameras li[data-camera]', (lis) => lis.map((li) => [li.getAttribute('data-camera'), li.textContent]))
  t.same(rows.map((r) => r[0]), ['chunxi-1', 'dead-1'], 'nearest first; the one 30 km away is left out')
  t.match(rows[0]![1], /春熙路口 · 距事故约 \d+ 米/, 'name and distance in zh-CN')
  t.same(box.cameraStreams.active(), {}, 'nothing streams before the officer asks')

  // Another officer already watches the camera: the console joins that stream in the middle.
  const seat02 = await officer(box, 'seat02')
  const other = new WebSocket(`${box.url.replace(/^http/, 'ws')}/api/cameras/chunxi-1/live`, { headers: { cookie: seat02.cookie } })
  t.teardown(() => other.close())
  await new Promise((done, reject) => {
    other.once('message', done)
    other.once('close', () => reject(new Error('the other viewer got no video')))
  })
  t.same(box.cameraStreams.active(), { 'chunxi-1': 1 })

  // Play the nearest camera: decoded MPEG-1 frames reach the canvas and keep changing.
  await page.click('button.camera-toggle[data-camera="chunxi-1"]')
  await waitFor('the video size on the canvas', () => page.$eval('canvas[data-camera="chunxi-1"]', (c) => (c as HTMLCanvasElement).width === 640), 60_000)
  t.same(box.cameraStreams.active(), { 'chunxi-1': 2 }, 'the console is a second viewer of the same stream')
  const first = await canvasShot(page, 'chunxi-1')
  t.ok(first.spread > 30, `the canvas shows a picture, not a blank or a loading bar (colour spread ${first.spread.toFixed(1)})`)
  let later = first
  await waitFor('a new frame on the canvas', async () => {
    later = await canvasShot(page, 'chunxi-1')
    return later.width === first.width && !later.data.equals(first.data)
  })
  t.ok(later.spread > 30 && !later.data.equals(first.data), 'later frames replace earlier ones')
  t.equal(await page.textContent('li[data-camera="chunxi-1"] .camera-note'), '', 'no connection note while playing')

  // Stopping the view closes its WebSocket: the box drops that viewer; the other one keeps watching.
  await page.click('button.camera-toggle[data-camera="chunxi-1"]')
  t.equal(await page.$('canvas[data-camera="chunxi-1"]'), null, 'the canvas goes away')
  await waitFor('the box to drop the console\'s viewer', () => box.cameraStreams.active()['chunxi-1'] === 1)
  t.pass('the box dropped the console\'s viewer and streams on for the other officer')
  other.close()
  await waitFor('the box to stop the camera', () => Object.keys(box.cameraStreams.active()).length === 0)
  t.pass('the last viewer gone, the stream stops')

  // A camera that cannot be reached: the officer is told, and the box holds nothing for it.
  await page.click('button.camera-toggle[data-camera="dead-1"]')
  await page.waitForFunction(() => document.querySelector('li[data-camera="dead-1"] .camera-note')?.textContent === '摄像头暂时无法连接', undefined, { timeout: 30_000 })
  t.equal(await page.textContent('button.camera-toggle[data-camera="dead-1"]'), '查看', 'the officer may try again')
  t.same(box.cameraStreams.active(), {}, 'nothing left streaming for the dead camera')

  // Leaving the case with a view playing (this time the stream starts for it) stops it too.
  await page.click('button.camera-toggle[data-camera="chunxi-1"]')
  await waitFor('a picture again', () => page.$eval('canvas[data-camera="chunxi-1"]', (c) => (c as HTMLCanvasElement).width === 640), 60_000)
  t.same(box.cameraStreams.active(), { 'chunxi-1': 1 })
  const far = await citizenReport(box, { location: FAR_AWAY, phone: '13900139000' })
  await far.citizen.post(`/api/citizen/cases/${far.caseId}/join`)
  await page.click('#end-call')
  await waitFor('the box to drop the viewer after the call ended', () => Object.keys(box.cameraStreams.active()).length === 0)
  t.pass('ending the call stopped the camera view')

  // A case with no camera nearby says so.
  await answerOnConsole(page, far.caseId)
  await page.waitForFunction(() => document.querySelector('#nearby-cameras .camera-note')?.textContent === '事故地点附近没有已接入的路面监控', undefined, { timeout: 20_000 })
  t.equal(await page.$('#nearby-cameras li[data-camera]'), null, 'no camera listed')

  // Expected refusals the console already handles: who is logged in (401 before the login form),
  // failed SMS (a seat officer may not read the outbox: 403), plate and card readings (this box runs
  // no OCR: 404). A CSP violation (WebSocket, canvas, the player's stylesheet) would show here.
  const expected = ['/api/auth/me', '/api/notifications?status=failed', '/plate-readings', '/card-readings']
  t.same(errorsOf(page).filter((e) => !expected.some((path) => e.url?.includes(path))), [], 'no page errors')
})
