// Proves this machine's chromium + fake devices + WebRTC work: a generated Y4M is the camera, a
// page on 127.0.0.1 sends it over a loopback RTCPeerConnection pair and reads the frames back.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import {
  assertNoPageErrors,
  CHENGDU,
  errorsOf,
  launchBrowser,
  newPage,
  newPhonePage,
  screenshot,
  setGeolocation,
  type TestBrowser,
} from './browser.ts'
import { counterLayout, writeY4m } from './fake-camera.ts'

const WIDTH = 320
const HEIGHT = 240
const FRAMES = 30
const layout = counterLayout(WIDTH, HEIGHT)

// Runs in the page. Plain JS: the repo's tsconfig has no DOM lib.
const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>回环测试</title>
<style>body{margin:0;font:16px sans-serif} video{width:100%;background:#000;display:block}</style></head>
<body><h1>快处 视频回环测试</h1><video id="remote" playsinline muted></video><p id="status">等待</p>
<script>
const CELLS = ${JSON.stringify(layout.cells.map((c) => [Math.floor(c.centerX), Math.floor(c.centerY)]))};
const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout: ' + what)), ms))]);

window.env = () => ({
  innerWidth, innerHeight, dpr: devicePixelRatio, language: navigator.language,
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, touch: 'ontouchstart' in window,
  coarse: matchMedia('(pointer: coarse)').matches, secure: isSecureContext,
});

window.getPosition = () => withTimeout(new Promise((resolve, reject) =>
  navigator.geolocation.getCurrentPosition(
    (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }),
    (e) => reject(new Error('geolocation ' + e.code + ': ' + e.message)))), 5000, 'geolocation');

window.runLoopback = async () => {
  const local = await withTimeout(navigator.mediaDevices.getUserMedia({ video: true, audio: true }), 5000, 'getUserMedia');
  const [localVideo] = local.getVideoTracks();
  const pc1 = new RTCPeerConnection(), pc2 = new RTCPeerConnection();
  const candidates = [];
  pc1.onicecandidate = (e) => { if (e.candidate) { candidates.push(e.candidate.candidate); pc2.addIceCandidate(e.candidate); } };
  pc2.onicecandidate = (e) => { if (e.candidate) pc1.addIceCandidate(e.candidate); };
  const remote = new MediaStream();
  const bothTracks = new Promise((resolve) => { pc2.ontrack = (e) => { remote.addTrack(e.track); if (remote.getTracks().length === 2) resolve(); }; });
  for (const track of local.getTracks()) pc1.addTrack(track, local);
  const offer = await pc1.createOffer();
  await pc1.setLocalDescription(offer);
  await pc2.setRemoteDescription(offer);
  const answer = await pc2.createAnswer();
  await pc2.setLocalDescription(answer);
  await pc1.setRemoteDescription(answer);
  await withTimeout(bothTracks, 5000, 'remote tracks');

  const video = document.getElementById('remote');
  video.srcObject = remote;
  await withTimeout(video.play(), 5000, 'video.play');
  const canvas = document.createElement('canvas');
  canvas.width = ${WIDTH}; canvas.height = ${HEIGHT};
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const counters = [];
  let callbacks = 0, fullSizeCallbacks = 0;
  await withTimeout(new Promise((resolve) => {
    const onFrame = () => {
      callbacks++;
      if (video.videoWidth === ${WIDTH} && video.videoHeight === ${HEIGHT}) {
        fullSizeCallbacks++;
        ctx.drawImage(video, 0, 0);
        let n = 0;
        for (const [x, y] of CELLS) {
          const d = ctx.getImageData(x - 2, y - 2, 4, 4).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
          n = (n << 1) | (sum / (d.length / 4) > 128 ? 1 : 0);
        }
        counters.push(n);
      }
      if (fullSizeCallbacks >= 15) resolve(); else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }), 15000, 'received frames');
  document.getElementById('status').textContent = '已收到 ' + counters.length + ' 帧';

  const stats = [];
  (await pc2.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') stats.push({ kind: s.kind, framesDecoded: s.framesDecoded, packetsReceived: s.packetsReceived }); });
  const result = {
    localSettings: localVideo.getSettings(),
    audioTracks: remote.getAudioTracks().map((tr) => tr.readyState),
    videoWidth: video.videoWidth, videoHeight: video.videoHeight,
    callbacks, counters, stats, candidates,
    connectionState: pc2.connectionState,
  };
  return result;
};
</script></body></html>`

interface LoopbackResult {
  localSettings: { width: number; height: number; frameRate: number }
  audioTracks: string[]
  videoWidth: number
  videoHeight: number
  callbacks: number
  counters: number[]
  stats: Array<{ kind: string; framesDecoded?: number; packetsReceived: number }>
  candidates: string[]
  connectionState: string
}

async function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(PAGE)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** Command lines of the chromium processes this test process started (the browser process). */
function ourChromiumArgv(): string[][] {
  const found: string[][] = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      if (ppid === process.pid && argv[0]?.includes('chromium')) found.push(argv)
    } catch {
      // process gone
    }
  }
  return found
}

t.test('chromium plays a generated Y4M as the camera through loopback WebRTC on a phone page', { timeout: 60_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'kuaichu-browser-test-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  const cam = await writeY4m(join(work, 'cam.y4m'), { width: WIDTH, height: HEIGHT, fps: 10, frames: FRAMES })
  const { server, url } = await serve()
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const browser: TestBrowser = await launchBrowser({ fakeVideoFile: cam.file })
  let closed = false
  t.teardown(async () => {
    if (!closed) await browser.close()
  })
  t.match(browser.version(), /^\d+\./)
  t.comment(`chromium ${browser.version()}`)

  const [argv, ...more] = ourChromiumArgv()
  t.equal(more.length, 0, 'one browser process')
  t.ok(argv, 'found the browser process')
  const userDataDir = argv?.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length)
  t.ok(userDataDir && existsSync(userDataDir), `fresh profile ${userDataDir}`)
  t.ok(argv?.includes(`--use-file-for-fake-video-capture=${cam.file}`))
  const featureFlags = (argv ?? []).filter((a) => a.startsWith('--disable-features='))
  const lastFeatures = featureFlags.at(-1)?.split('=')[1]?.split(',') ?? []
  const firstFeatures = featureFlags[0]?.split('=')[1]?.split(',') ?? []
  t.ok(lastFeatures.includes('WebRtcHideLocalIpsWithMdns'), 'our feature is in the effective (last) --disable-features')
  t.ok(firstFeatures.length > 1 && firstFeatures.every((f) => lastFeatures.includes(f)), "playwright's disabled features survive")

  const page = await newPhonePage(browser)
  await page.goto(url)
  t.match(await page.evaluate('env()'), {
    innerWidth: 390,
    innerHeight: 844,
    dpr: 3,
    language: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    touch: true,
    coarse: true,
    secure: true,
  })

  t.same(await page.evaluate('getPosition()'), CHENGDU, 'geolocation is the fake position')
  const moved = { latitude: 30.5728, longitude: 104.0668, accuracy: 5 }
  await setGeolocation(page, moved)
  t.same(await page.evaluate('getPosition()'), moved, 'and can be moved')

  const started = Date.now()
  const r = (await page.evaluate('runLoopback()')) as LoopbackResult
  t.comment(`loopback: ${Date.now() - started} ms, ${r.callbacks} frame callbacks, counters ${r.counters.join(' ')}`)
  t.match(r.localSettings, { width: WIDTH, height: HEIGHT, frameRate: 10 }, 'the camera is the Y4M')
  t.equal(r.connectionState, 'connected')
  t.same(r.audioTracks, ['live'], 'fake microphone arrives too')
  t.equal(r.videoWidth, WIDTH)
  t.equal(r.videoHeight, HEIGHT)
  t.ok(r.candidates.length > 0 && r.candidates.every((c) => !c.includes('.local')), 'host candidates are not mDNS-hidden')
  const video = r.stats.find((s) => s.kind === 'video')
  t.ok(video && (video.framesDecoded ?? 0) >= 10, `frames decoded: ${video?.framesDecoded}`)
  t.ok(r.counters.every((n) => n >= 0 && n < FRAMES), 'every received frame carries a valid counter')
  const distinct = new Set(r.counters)
  t.ok(distinct.size >= 8, `received frames advance (${distinct.size} distinct)`)
  const steps = r.counters.slice(1).map((n, i) => (n - r.counters[i]! + FRAMES) % FRAMES)
  t.ok(
    steps.every((s) => s <= 10),
    'counters move forward (modulo the loop), never backwards',
  )

  const shot = await screenshot(page, join(work, 'shots', 'phone.png'))
  t.ok(existsSync(join(work, 'shots', 'phone.png')))
  t.same([...shot.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG')
  t.equal(shot.readUInt32BE(16), 390 * 3, 'phone-width screenshot at 3x')

  assertNoPageErrors(page)
  t.same(errorsOf(page), [])

  // Console errors and uncaught exceptions are collected and fail the assertion.
  const desktop = await newPage(browser)
  await desktop.goto(url)
  await desktop.evaluate(`console.error('officer console broke'); setTimeout(() => { throw new Error('boom') }); 1`)
  await desktop.waitForTimeout(200)
  t.match(errorsOf(desktop), [
    { kind: 'console', text: 'officer console broke' },
    { kind: 'pageerror', text: /boom/ },
  ])
  t.throws(() => assertNoPageErrors(desktop), /2 error\(s\)[\s\S]*officer console broke[\s\S]*boom/)
  t.doesNotThrow(() => assertNoPageErrors(desktop, [/officer console/, /boom/]))
  t.match(await desktop.evaluate('env()'), { innerWidth: 1280, touch: false })

  const tmp = browser.tmpDir
  t.ok(existsSync(tmp))
  await browser.close()
  closed = true
  t.notOk(existsSync(tmp), 'our temp dir is removed on close')
  t.notOk(userDataDir && existsSync(userDataDir), 'the profile is removed on close')
})
