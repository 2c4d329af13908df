import sharp from 'sharp'
import t from 'tap'
import { OcrEngine } from './engine.ts'
import { OcrError } from './errors.ts'
import { readPlates } from './read-plates.ts'
import { renderPlateCrop, renderPlateFrame } from './render-plates.ts'

const engine = await OcrEngine.create({ workers: 2 })
t.teardown(() => engine.close())

const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof OcrError ? e.code : `not an OcrError: ${String(e)}`),
  )

const plates = [
  { text: '川A12345', style: 'blue', kind: 'ordinary' },
  { text: '川AD12345', style: 'green', kind: 'new-energy-small' },
] as const

for (const p of plates) {
  t.test(`${p.style} plate ${p.text} as a crop`, async (t) => {
    const out = await readPlates(engine, renderPlateCrop(p.text, p.style))
    t.equal(out[0]?.text, p.text, 'exact plate, province included')
    t.equal(out[0]?.valid, true)
    t.equal(out[0]?.kind, p.kind)
    t.ok((out[0]?.confidence ?? 0) > 0.8, 'confident')
  })
  t.test(`${p.style} plate ${p.text} in a 1280×720 frame`, async (t) => {
    const out = await readPlates(engine, renderPlateFrame(p.text, p.style))
    t.equal(out[0]?.text, p.text, 'exact plate, province included')
    t.equal(out[0]?.valid, true)
    const [tl, , br] = out[0]?.box ?? [[0, 0], [0, 0], [0, 0]]
    t.ok(tl[0] > 480 && br[0] < 800 && tl[1] > 420 && br[1] < 560, `box ${JSON.stringify(out[0]?.box)} lies on the plate`)
  })
}

// 'crop' mode reads the whole image as one line without detection (the fast path). The crop's rim
// is left out, or the frame line reads as an extra "I" or swallows the province. No home prefix here:
// the province must be read, not guessed.
for (const p of plates) {
  t.test(`crop fast path (no detection) on a bordered ${p.style} crop`, async (t) => {
    const out = await readPlates(engine, renderPlateCrop(p.text, p.style), { mode: 'crop' })
    t.equal(out[0]?.text, p.text)
    t.equal(out[0]?.raw, p.text, 'read as it is, without a candidate fix')
  })
}

t.test('every plate kind, clean, as a crop and in a frame', async (t) => {
  const kinds = [
    { text: '川A1234学', kind: 'learner', colour: 'yellow' },
    { text: '川A1234挂', kind: 'trailer', colour: 'yellow', doubleRow: true },
    { text: '川A1234警', kind: 'police', colour: 'white' },
    { text: '粤Z1234港', kind: 'hongkong', colour: 'black' },
    { text: '粤Z1234澳', kind: 'macau', colour: 'black' },
    { text: '沪A1234领', kind: 'consular', colour: 'black' },
    { text: '川A12345D', kind: 'new-energy-large', colour: 'yellow-green' },
    { text: '川B54321', kind: 'ordinary', colour: 'yellow', style: 'yellow', doubleRow: true },
    { text: '京N8X2K9', kind: 'ordinary', colour: 'blue', style: 'blue' },
  ] as const
  for (const k of kinds) {
    const style = 'style' in k ? k.style : undefined
    const doubleRow = 'doubleRow' in k
    for (const [where, img] of [['crop', renderPlateCrop(k.text, style, undefined, doubleRow)], ['frame', renderPlateFrame(k.text, style, 260, doubleRow)]] as const) {
      const out = await readPlates(engine, img)
      t.match(out[0], { text: k.text, valid: true, kind: k.kind, colour: k.colour, doubleRow }, `${k.text} (${k.kind}${doubleRow ? ', double row' : ''}) in a ${where}`)
    }
  }
})

t.test('several requests in flight', async (t) => {
  const imgs = [0, 1, 2, 3].map((i) => renderPlateCrop(`川A1234${i}`, 'blue'))
  const results = await Promise.all(imgs.map((img) => readPlates(engine, img)))
  t.same(
    results.map((r) => r[0]?.text),
    ['川A12340', '川A12341', '川A12342', '川A12343'],
  )
})

t.test('an invalid reading is offered raw', async (t) => {
  const out = await readPlates(engine, renderPlateCrop('AB12345', 'blue'))
  t.equal(out[0]?.valid, false)
  t.equal(out[0]?.error, 'PLATE_PROVINCE')
  t.equal(out[0]?.text, 'AB12345')
})

t.test('bad input gets a stable code and never crashes the engine', async (t) => {
  const jpeg = renderPlateFrame('川A12345', 'blue')
  t.equal(await codeOf(engine.readLines(new Uint8Array(0))), 'IMAGE_EMPTY', '0 bytes')
  t.equal(await codeOf(engine.readLines(Buffer.from('this is not an image, just text'))), 'IMAGE_UNSUPPORTED', 'non-image')
  t.equal(await codeOf(engine.readLines(jpeg.subarray(0, Math.floor(jpeg.length / 2)))), 'IMAGE_TRUNCATED', 'truncated JPEG')
  const png = renderPlateCrop('川A12345', 'blue')
  t.equal(await codeOf(engine.readLines(png.subarray(0, Math.floor(png.length * 0.7)))), 'IMAGE_TRUNCATED', 'truncated PNG')
  const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#808080' } }).png().toBuffer()
  t.equal(await codeOf(engine.readLines(huge)), 'IMAGE_TOO_LARGE', '48 MP')
  const black = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#000000' } }).jpeg().toBuffer()
  t.equal(await codeOf(engine.readLines(black)), 'IMAGE_BLANK', 'black frame')
  const tiny = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer()
  t.equal(await codeOf(engine.readLines(tiny)), 'IMAGE_TOO_SMALL', '4×4')
  t.equal(await codeOf(readPlates(engine, Buffer.from([0xff, 0xd8, 0xff]))), 'IMAGE_TRUNCATED', 'a JPEG cut after its magic bytes')
  const still = await readPlates(engine, png)
  t.equal(still[0]?.text, '川A12345', 'the engine still works afterwards')
})

t.test('a closed engine refuses politely', async (t) => {
  const e = await OcrEngine.create({ workers: 1 })
  await e.close()
  t.equal(await codeOf(e.readLines(renderPlateCrop('川A12345', 'blue'))), 'OCR_ENGINE_CLOSED')
})
