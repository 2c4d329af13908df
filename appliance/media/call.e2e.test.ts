// A whole video call in headless Chromium through the box's own SFU: the citizen reports on a phone
// page with a fake camera, the officer accepts on the console, video and audio flow, the camera is
// switched, a still is captured and stored with its hash, the citizen's browser dies and the case is
// resumed, the call ends and the box's recording is playable.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import type { Page } from 'playwright-core'
import { eq } from 'drizzle-orm'
import * as s from '../db/schema.ts'
import { launchBrowser, newPhonePage } from '../test-support/browser.ts'
import { answerOnConsole, framesDecoded } from '../test-support/call-pages.ts'
import { WHITE, writeY4m } from '../test-support/fake-camera.ts'
import { startTestBox } from '../test-support/test-box.ts'

const run = promisify(execFile)

/** Peak level of the audio tracks of a media element's stream over a while (0 = silence). */
const audioPeak = (page: Page, selector: string, ms = 2500) =>
  page.evaluate(async ([sel, ms]) => {
    const el = document.querySelector(sel as string) as HTMLMediaElement
    const stream = el.srcObject as MediaStream
    const ctx = new AudioContext()
    await ctx.resume()
    const analyser = ctx.createAnalyser()
    ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser)
    const buf = new Float32Array(analyser.fftSize)
    let peak = 0
    const until = Date.now() + (ms as number)
    while (Date.now() < until) {
      analyser.getFloatTimeDomainData(buf)
      for (const x of buf) peak = Math.max(peak, Math.abs(x))
      await new Promise((r) => setTimeout(r, 50))
    }
    await ctx.close()
    return peak
  }, [selector, ms] as const)

/** Width and height from a JPEG's start-of-frame segment. */
function jpegSize(b: Buffer) {
  for (let i = 2; i < b.length - 9; ) {
    const marker = b[i + 1]!
    if (marker >= 0xc0 && marker <= 0xc3) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) }
    i += 2 + b.readUInt16BE(i + 2)
  }
  return null
}

t.test('a whole call through the box', async (t) => {
  const box = await startTestBox({}, { media: true, realTime: true })
  t.teardown(box.close)
  // The camera films a blue plate (the 5×7 test font has no CJK glyph, so the province is left out).
  const camera = await writeY4m(join(box.dataDir, 'camera.y4m'), {
    width: 640, height: 480, fps: 15, frames: 45,
    draw: (frame, i) => {
      frame.fill({ r: 90, g: 90, b: 90 })
      frame.fillRect(120 + (i % 15), 180, 400, 120, { r: 20, g: 60, b: 190 })
      frame.drawText(150 + (i % 15), 210, 'A·12345', { scale: 8, color: WHITE })
    },
  })
  const browser = await launchBrowser({ fakeVideoFile: camera.file })
  t.teardown(() => browser.close())

  // The citizen reports from a phone at the roadside.
  let phone = await newPhonePage(browser)
  await phone.goto(`${box.url}/report`)
  await phone.fill('#phone', '13800138000')
  await phone.fill('#plate', '川A12345')
  await phone.click('#report')
  await phone.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('等待民警接听'))
  // The phone publishes its camera while it waits in the queue, so the box records from here on.
  const callStartedAt = Date.now()
  const caseRow = box.db.select().from(s.cases).all()
  t.equal(caseRow.length, 1)
  const caseId = caseRow[0]!.id
  t.equal(caseRow[0]!.state, 'queued')
  const citizenUrl = phone.url()
  t.match(citizenUrl, new RegExp(`#case=${caseId}&token=`))

  // The officer logs in, sees the waiting case and answers.
  const console_ = await answerOnConsole(browser, box, 'seat01', caseId)
  let seen = await framesDecoded(console_, '#citizen-video')
  t.ok(seen.width >= 320, `the citizen camera arrives (${seen.width}×${seen.height}; the SFU adapts to bandwidth)`)
  t.ok(seen.frames >= 5, `video frames are decoded on the officer page (${seen.frames} in 1.5 s)`)
  t.ok(await audioPeak(console_, '#citizen-video') > 0.01, 'the citizen is heard')
  await phone.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('民警已接入'))
  t.ok(await audioPeak(phone, '#officer-audio') > 0.01, 'the officer is heard')

  // The officer asks for the other camera.
  await console_.click('#switch-camera')
  await console_.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('前置摄像头'))
  seen = await framesDecoded(console_, '#citizen-video')
  t.ok(seen.frames >= 5, 'video keeps flowing after the switch')

  // A still from the phone's own camera becomes evidence with its hash.
  await console_.click('#capture')
  await console_.waitForSelector('#evidence li[data-sha256]', { timeout: 10_000 })
  const still = box.db.select().from(s.evidence).where(eq(s.evidence.caseId, caseId)).get()!
  t.equal(still.kind, 'still')
  const bytes = readFileSync(join(box.dataDir, still.filePath))
  t.equal(createHash('sha256').update(bytes).digest('hex'), still.sha256, 'the stored file matches its hash')
  t.same([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG')
  t.same(jpegSize(bytes), { width: 640, height: 480 }, "the phone camera's full resolution, not the call's video")
  t.equal(still.lat, 30.6574, 'with the position where it was taken')

  // The case panel beside the video: the officer enters a party while talking.
  await console_.fill('#party-name', '张伟')
  await console_.fill('#party-phone', '13800138000')
  await console_.fill('#party-licence', '510104198503120416')
  await console_.fill('#party-plate', '川A12345')
  await console_.click('#party-add')
  await console_.waitForFunction(() => document.querySelector('#parties')?.textContent?.includes('甲方 张伟 川A12345'))

  // The phone's browser dies; the citizen opens the link again and is back in the same case.
  await phone.close()
  await console_.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('连接已断开'))
  t.equal(box.db.select().from(s.cases).get()!.callStatus, 'dropped')
  phone = await newPhonePage(browser)
  await phone.goto(citizenUrl)
  await console_.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('重新接入'))
  await console_.waitForFunction(() => (document.querySelector('#citizen-video') as HTMLVideoElement).videoWidth > 0)
  seen = await framesDecoded(console_, '#citizen-video')
  t.ok(seen.frames >= 5, 'video flows again after the resume')
  t.equal(box.db.select().from(s.cases).all().length, 1, 'no new case')
  t.equal(box.db.select().from(s.cases).get()!.callStatus, 'connected')

  // The officer's console is reloaded mid-call: the box keeps recording, the officer reopens the call.
  await console_.reload()
  await new Promise((r) => setTimeout(r, 2500))
  await console_.click(`#mine button.accept[data-case="${caseId}"]`)
  await console_.waitForFunction(() => (document.querySelector('#citizen-video') as HTMLVideoElement | null)?.videoWidth! > 0, undefined, { timeout: 10_000 })

  // The officer ends the call; the box's recording becomes evidence and plays.
  await new Promise((r) => setTimeout(r, 2000))
  const callSeconds = (Date.now() - callStartedAt) / 1000
  await console_.click('#end-call')
  await phone.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('视频处理已结束'))
  let recording
  for (let i = 0; i < 60 && !recording; i++) {
    recording = box.db.select().from(s.evidence).all().find((e) => e.kind === 'recording')
    if (!recording) await new Promise((r) => setTimeout(r, 250))
  }
  t.ok(recording, 'the recording is evidence')
  const file = join(box.dataDir, recording!.filePath)
  t.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), recording!.sha256)
  const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file])).stdout)
  const kinds = probe.streams.map((x: { codec_type: string }) => x.codec_type).sort()
  t.same(kinds, ['audio', 'audio', 'video'], 'citizen video and audio, officer audio')
  const duration = Number(probe.format.duration)
  // Never longer than the call (timestamps are not invented). Shorter by the citizen's drop and by
  // every change of the call's tracks (five sessions here), each of which restarts ffmpeg and loses
  // the time until it has a key frame (about 1 s; more under load). A session shorter than that —
  // often the last, 2 s here — records nothing.
  t.ok(duration > callSeconds * 0.3 && duration < callSeconds + 1, `recording lasts ${duration.toFixed(1)} s of a ${callSeconds.toFixed(1)} s call (minus the citizen's drop and the recorder's restarts)`)
  const actions = box.db.select({ action: s.auditLog.action }).from(s.auditLog).all().map((a) => a.action)
  for (const a of ['call.citizen_dropped', 'call.citizen_connected', 'evidence.added', 'call.ended']) t.ok(actions.includes(a), a)
})
