import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { counterLayout, readY4m, rgbToYuv, writeY4m, YuvFrame } from './fake-camera.ts'

const tmp = mkdtempSync(join(tmpdir(), 'kuaichu-y4m-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))

t.test('writes a 4:2:0 Y4M file with the test pattern and a readable frame counter', async (t) => {
  const file = join(tmp, 'nested', 'cam.y4m')
  const info = await writeY4m(file, { width: 320, height: 240, fps: 10, frames: 30 })
  const frameBytes = 'FRAME\n'.length + 320 * 240 * 1.5
  const header = 'YUV4MPEG2 W320 H240 F10:1 Ip A1:1 C420jpeg\n'
  t.equal(info.bytes, header.length + 30 * frameBytes)
  t.equal(statSync(file).size, info.bytes)
  const data = readFileSync(file)
  t.equal(data.subarray(0, header.length).toString('ascii'), header)

  const y4m = readY4m(data)
  t.match(y4m, { width: 320, height: 240, fps: 10, colorspace: '420jpeg' })
  t.equal(y4m.frames.length, 30)
  const layout = counterLayout(320, 240)
  const decode = (f: YuvFrame) =>
    layout.cells.reduce((n, c) => (n << 1) | (f.lumaAt(Math.floor(c.centerX), Math.floor(c.centerY)) > 128 ? 1 : 0), 0)
  t.same(
    y4m.frames.map(decode),
    Array.from({ length: 30 }, (_, i) => i),
    'the bottom strip encodes each frame index',
  )
  const first = y4m.frames[0]!
  const second = y4m.frames[1]!
  t.not(Buffer.compare(Buffer.from(first.y), Buffer.from(second.y)), 0, 'consecutive frames differ')
  t.ok(first.u.some((v) => v !== 128), 'the picture has colour')
})

t.test('custom draw, text and colour conversion', async (t) => {
  t.same(rgbToYuv({ r: 0, g: 0, b: 0 }), { y: 16, u: 128, v: 128 })
  t.same(rgbToYuv({ r: 255, g: 255, b: 255 }), { y: 235, u: 128, v: 128 })
  const red = rgbToYuv({ r: 255, g: 0, b: 0 })
  t.ok(red.v > 200 && red.u < 128, 'red has high Cr')

  const file = join(tmp, 'custom.y4m')
  const seen: number[] = []
  const info = await writeY4m(file, {
    width: 64,
    height: 32,
    fps: 5,
    frames: 3,
    draw(frame, index, frames) {
      seen.push(index)
      t.equal(frames, 3)
      frame.fillRect(0, 0, 10, 10, { r: 255, g: 0, b: 0 })
      frame.drawText(12, 2, 'A·1', { scale: 1 })
    },
  })
  t.same(seen, [0, 1, 2])
  const { frames } = readY4m(readFileSync(file))
  t.equal(frames.length, info.frames)
  const f = frames[2]!
  t.equal(f.lumaAt(5, 5), red.y)
  t.equal(f.v[2 * f.chromaWidth + 2], red.v, 'chroma planes are filled too')
  t.equal(f.lumaAt(11, 2), 16, 'left of the text stays black')
  t.equal(f.lumaAt(13, 2), 235, 'top of the A is lit')
  t.equal(f.lumaAt(12, 2), 16, 'top-left corner of the A is not')
})

t.test('rejects odd sizes and bad rates', async (t) => {
  await t.rejects(writeY4m(join(tmp, 'odd.y4m'), { width: 321, height: 240 }), /even/)
  await t.rejects(writeY4m(join(tmp, 'fps.y4m'), { fps: 0 }), /fps/)
  await t.rejects(writeY4m(join(tmp, 'frames.y4m'), { frames: 1.5 }), /frames/)
})
