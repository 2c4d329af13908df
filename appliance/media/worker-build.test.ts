// The mediasoup worker built by scripts/build-mediasoup-worker.sh links Debian's OpenSSL 3 and
// libsrtp2 (not the OpenSSL 1.1.1k bundled with mediasoup 3.8.4), and a real worker built that way
// starts, routes our codecs and sets up DTLS.
import { execFileSync } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import t from 'tap'
import mediasoup from 'mediasoup' // CJS package: under Node's ESM loader the default import is module.exports
import type { types } from 'mediasoup'

// Where mediasoup itself looks (lib/Worker.js): MEDIASOUP_WORKER_BIN, else the package's build output.
const packageDir = dirname(createRequire(import.meta.url).resolve('mediasoup/package.json'))
const workerBin = process.env.MEDIASOUP_WORKER_BIN ?? join(packageDir, 'worker', 'out', 'Release', 'mediasoup-worker')

const codecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
]

t.test('the worker binary is built and links Debian\'s OpenSSL 3 and libsrtp2', async (t) => {
  t.ok(existsSync(workerBin), `${workerBin} exists (bash scripts/install.sh builds it)`)
  if (!existsSync(workerBin)) return
  const ldd = execFileSync('ldd', [workerBin], { encoding: 'utf8' })
  t.notMatch(ldd, /not found/, 'every shared library resolves')
  // libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x…), owned by a Debian package.
  for (const [soname, debianPackage] of [
    ['libssl.so.3', /^libssl3/],
    ['libcrypto.so.3', /^libssl3/],
    ['libsrtp2.so.1', /^libsrtp2-1/],
  ] as const) {
    const path = new RegExp(`^\\s*${soname.replaceAll('.', '\\.')} => (\\S+)`, 'm').exec(ldd)?.[1]
    t.ok(path, `linked to ${soname}`)
    if (!path) continue
    const owner = execFileSync('dpkg', ['-S', realpathSync(path)], { encoding: 'utf8' })
    t.match(owner, debianPackage, `${path} comes from Debian's ${owner.split(':')[0]}`)
  }
  t.notMatch(ldd, /libssl\.so\.1\.1|libcrypto\.so\.1\.1/, 'no OpenSSL 1.1 library either')
  const strings = execFileSync('strings', [workerBin], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
  t.notOk(strings.includes('OpenSSL 1.1.1'), 'the bundled OpenSSL 1.1.1 is not compiled in')
})

t.test('a real worker starts, routes VP8/H264/Opus and offers DTLS on 127.0.0.1', async (t) => {
  t.equal(typeof mediasoup.createWorker, 'function', 'the default import is the CJS module.exports')
  t.equal(mediasoup.version, '3.8.4')
  const worker = await mediasoup.createWorker({ logLevel: 'warn' })
  t.teardown(() => worker.close())
  let died = false
  worker.on('died', () => (died = true))

  const router = await worker.createRouter({ mediaCodecs: codecs })
  const mimeTypes = router.rtpCapabilities.codecs?.map((c) => c.mimeType) ?? []
  for (const mimeType of ['audio/opus', 'video/VP8', 'video/H264']) t.ok(mimeTypes.includes(mimeType), mimeType)

  const transport = await router.createWebRtcTransport({
    listenIps: [{ ip: '127.0.0.1' }],
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
  })
  t.ok(transport.iceCandidates.length > 0, 'ICE candidates')
  for (const c of transport.iceCandidates) t.equal(c.ip, '127.0.0.1', `${c.protocol} candidate on loopback`)
  t.ok(transport.iceParameters.usernameFragment && transport.iceParameters.password, 'ICE credentials')
  const fingerprints = transport.dtlsParameters.fingerprints
  t.ok(fingerprints.length > 0, 'DTLS fingerprints of the worker\'s certificate')
  const sha256 = fingerprints.find((f) => f.algorithm === 'sha-256')
  t.match(sha256?.value, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a sha-256 fingerprint')
  t.equal(transport.dtlsState, 'new')

  const dump = (await worker.dump()) as { routerIds: string[] }
  t.same(dump.routerIds, [router.id], 'the worker answers on its channel')

  transport.close()
  router.close()
  worker.close()
  t.ok(worker.closed, 'closed')
  t.notOk(died, 'the worker did not die')
})
