// Segments a crash left behind become the case's recording at the next start.
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { createCaseService } from '../cases/case-service.ts'
import * as s from '../db/schema.ts'
import { createRegistryClient } from '../registry/client.ts'
import { citizenReport, startTestBox } from '../test-support/test-box.ts'
import { recoverRecordings } from './record-call.ts'

const run = promisify(execFile)

/** A 2-second segment shaped like the recorder's: VP8 video and two Opus tracks in Matroska. */
const segment = (file: string) =>
  run('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=2',
    '-f', 'lavfi', '-i', 'sine=f=440:duration=2', '-f', 'lavfi', '-i', 'sine=f=880:duration=2',
    '-map', '0', '-map', '1', '-map', '2', '-c:v', 'libvpx', '-b:v', '300k', '-c:a', 'libopus', file])

t.test('left-over segments are joined into evidence; unknown cases are kept for an operator', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { caseId } = await citizenReport(box)
  const dir = join(box.dataDir, 'recordings', caseId)
  mkdirSync(dir, { recursive: true })
  await segment(join(dir, 's001-0000.mkv'))
  await segment(join(dir, 's002-0000.mkv'))
  const orphan = join(box.dataDir, 'recordings', '00000000-0000-4000-8000-000000000000')
  mkdirSync(orphan)
  await segment(join(orphan, 's001-0000.mkv'))

  const cases = createCaseService({ db: box.db, config: box.config, registry: createRegistryClient({ baseUrl: box.registry.url, timeoutMs: 500 }), now: () => box.clock.now })
  t.equal(await recoverRecordings(box.dataDir, cases), 1)
  const rec = box.db.select().from(s.evidence).get()!
  t.equal(rec.kind, 'recording')
  t.equal(rec.caseId, caseId)
  const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-show_format', '-of', 'json', join(box.dataDir, rec.filePath)])).stdout)
  t.ok(Math.abs(Number(probe.format.duration) - 4) < 0.5, `both segments joined (${probe.format.duration} s)`)
  t.same(readdirSync(join(box.dataDir, 'recordings')), ['00000000-0000-4000-8000-000000000000'], 'the orphan stays for an operator')
})
