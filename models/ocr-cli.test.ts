// `npm run ocr -- FILE...` as a user runs it: a child process, JSON lines on stdout.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { renderPlateFrame } from './render-plates.ts'

const dir = await mkdtemp(path.join(tmpdir(), 'ocr-cli-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))
const cli = fileURLToPath(new URL('./ocr-cli.ts', import.meta.url))

t.test('prints plate, colour, confidence and candidates per file; a bad file gets its error code', async (t) => {
  const good = path.join(dir, 'car.jpg')
  const bad = path.join(dir, 'broken.jpg')
  await writeFile(good, renderPlateFrame('川A12345', 'blue'))
  await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, good, bad, path.join(dir, 'missing.png')], { timeout: 120_000 }, (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }))
  })
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 3)
  t.match(lines[0], { file: good, plates: [{ plate: '川A12345', valid: true, kind: 'ordinary', colour: 'blue', candidates: [{ plate: '川A12345' }] }] })
  t.ok(lines[0].plates[0].confidence > 0.8)
  t.match(lines[1], { file: bad, error: { code: 'IMAGE_TRUNCATED' } })
  t.match(lines[2], { error: { code: 'ENOENT' } })
  t.equal(code, 1, 'exit code 1 when a file failed')
})
