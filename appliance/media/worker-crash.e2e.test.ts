// Two calls in headless Chromium on a box with two mediasoup workers; one worker process is killed
// mid-call. The other call goes on untouched, the affected one resumes by itself (both browsers
// rejoin on a live worker), and the recording made before the kill is kept as evidence.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { and, eq } from 'drizzle-orm'
import * as s from '../db/schema.ts'
import { launchBrowser } from '../test-support/browser.ts'
import { answerOnConsole, framesDecoded, reportFromPhone, waitForFrames } from '../test-support/call-pages.ts'
import { writeY4m } from '../test-support/fake-camera.ts'
import { startTestBox } from '../test-support/test-box.ts'

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('a worker killed during two calls: the other call goes on, the affected one resumes', async (t) => {
  const box = await startTestBox({}, { media: true, realTime: true, workers: 2 })
  t.teardown(box.close)
  const camera = await writeY4m(join(box.dataDir, 'camera.y4m'), {
    width: 320, height: 240, fps: 15, frames: 30,
    draw: (frame, i) => {
      frame.fill({ r: 90, g: 90, b: 90 })
      frame.fillRect(40 + i * 4, 80, 120, 60, { r: 20, g: 60, b: 190 })
    },
  })
  const browser = await launchBrowser({ fakeVideoFile: camera.file })
  t.teardown(() => browser.close())

  // The first waiting citizen's room lands on worker 0, the second's on worker 1 (least loaded).
  const reportedAt = Date.now()
  const a = await reportFromPhone(browser, box.url, '13800138000')
  const b = await reportFromPhone(browser, box.url, '13900139000')
  const consoleA = await answerOnConsole(browser, box, 'seat01', a.caseId)
  const consoleB = await answerOnConsole(browser, box, 'seat02', b.caseId)
  const [w0, w1] = box.media!.workers
  t.ok((await framesDecoded(consoleA, '#citizen-video')).frames >= 5, 'call A delivers video')
  t.ok((await framesDecoded(consoleB, '#citizen-video')).frames >= 5, 'call B delivers video')

  // Let call A's recorder write a few seconds, then kill A's worker.
  await sleep(5000)
  const killedAt = Date.now()
  process.kill(w0!.pid, 'SIGKILL')

  const seenB = await framesDecoded(consoleB, '#citizen-video', 3000)
  t.ok(seenB.frames >= 10, `call B keeps delivering frames right after the kill (${seenB.frames} in 3 s)`)
  t.equal(box.media!.workers[1], w1, "call B's worker is the same process")
  t.doesNotThrow(() => process.kill(w1!.pid, 0), "call B's worker is alive")

  const seenA = await waitForFrames(consoleA, '#citizen-video')
  t.ok(seenA.frames >= 5, `call A resumes: the officer sees the citizen again (${seenA.frames} frames in 1.5 s)`)
  t.ok((await waitForFrames(consoleA, '#citizen-video')).frames >= 5, 'and it keeps flowing')
  t.notOk(await a.phone.$('#resume'), 'the citizen did not have to tap 【继续处理】')
  t.ok(await a.phone.$('#self'), "the citizen's call view is back")
  t.equal(await consoleA.textContent('#status'), '通话中', "the officer's console is back in the call")
  const replacement = box.media!.workers[0]
  t.ok(replacement && replacement.pid !== w0!.pid, 'worker 0 was restarted as a new process')
  t.equal((await framesDecoded(consoleB, '#citizen-video')).frames >= 5, true, 'call B is still flowing')

  const auditOf = (caseId: string) =>
    box.db.select({ action: s.auditLog.action }).from(s.auditLog).where(eq(s.auditLog.caseId, caseId)).all().map((r) => r.action)
  t.ok(auditOf(a.caseId).includes('call.citizen_dropped'), "A's drop is in the audit log")
  t.notOk(auditOf(b.caseId).includes('call.citizen_dropped'), 'B never dropped')

  // A's officer ends the call: the recording from before the kill and the one after are both evidence.
  // ffmpeg probes 5 s before it writes; give the resumed recording time to hold something.
  await sleep(15_000)
  await consoleA.click('#end-call')
  await a.phone.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('视频处理已结束'), undefined, { timeout: 15_000 })
  let recordings: Array<typeof s.evidence.$inferSelect> = []
  for (let i = 0; i < 80 && recordings.length < 2; i++) {
    recordings = box.db.select().from(s.evidence).where(and(eq(s.evidence.caseId, a.caseId), eq(s.evidence.kind, 'recording'))).all()
    if (recordings.length < 2) await sleep(250)
  }
  t.equal(recordings.length, 2, 'two recordings: before and after the kill')
  const durations = []
  for (const r of recordings.sort((x, y) => x.capturedAt.localeCompare(y.capturedAt))) {
    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', join(box.dataDir, r.filePath)])).stdout)
    t.same(probe.streams.map((x: { codec_type: string }) => x.codec_type).sort(), ['audio', 'audio', 'video'])
    durations.push(Number(probe.format.duration))
  }
  t.ok(recordings[0]!.capturedAt < new Date(killedAt + 15_000).toISOString(), 'the first one was kept right after the kill')
  const beforeKill = (killedAt - reportedAt) / 1000
  t.ok(durations[0]! >= 3 && durations[0]! <= beforeKill + 2, `the recording before the kill keeps what was recorded (${durations[0]!.toFixed(1)} s; the citizen was on camera ${beforeKill.toFixed(1)} s before the kill)`)
  t.ok(durations[1]! > 0, `the resumed call is recorded too (${durations[1]!.toFixed(1)} s)`)
})
