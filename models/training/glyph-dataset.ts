// Training data for the Q/0 glyph classifier: generated plates whose serials are rich in Q and 0,
// drawn with other faces than the hard set's (Noto Sans CJK is held out, so the hard set measures
// a face the classifier never saw), degraded like the hard set, read by the real engine. Each
// character read as 0, O or Q whose true character is 0 or Q gives one cell (toGlyphTensor, stored
// as bytes) and its label. Usage: tsx models/training/glyph-dataset.ts OUT_DIR [PLATES] [SEED]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GlobalFonts } from '@napi-rs/canvas'
import { parsePlate } from '../../appliance/rules/plates.ts'
import { prng } from '../../appliance/test-support/prng.ts'
import { OcrEngine } from '../engine.ts'
import { GLYPH_CLASSES } from '../glyph.ts'
import { HARD_SET_KINDS, renderHardSample } from '../hard-set.ts'
import { decodeImage } from '../image.ts'
import { GLYPH_HEIGHT, GLYPH_WIDTH, toGlyphTensor } from '../recognise.ts'
import { ensureFont, type LatinFont } from '../render-plates.ts'

const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
]
const FONTS: LatinFont[] = [
  { family: 'DejaVu Sans', weight: 'bold' },
  { family: 'DejaVu Sans', weight: 'normal' },
  { family: 'DejaVu Sans Mono', weight: 'bold' },
  { family: 'WenQuanYi Zen Hei' },
  { family: 'Noto Sans Mono CJK SC', weight: 'bold' }, // in the Bold .ttc: a different Latin design from Noto Sans CJK
]

const [outDir = 'models/training/.data', platesArg = '3000', seedArg = '1'] = process.argv.slice(2)
const plates = Number(platesArg)
const r = prng(Number(seedArg))
ensureFont()
for (const f of FONT_FILES) GlobalFonts.registerFromPath(f)

/** The spec's own text with serial characters turned into Q or 0, kept when still a valid plate. */
function qRich(text: string): string {
  for (;;) {
    const chars = Array.from(text).map((c, i) => (i >= 1 && /[A-Z0-9]/.test(c) && r() < 0.4 ? (r() < 0.5 ? 'Q' : '0') : c))
    const plate = chars.join('')
    if (parsePlate(plate).ok) return plate
  }
}

const fold = (c: string): string => (c === 'O' || c === 'Q' ? '0' : c)
const engine = await OcrEngine.create({ workers: 2, intraOpThreads: 1 })
const cells: Uint8Array[] = []
const labels: number[] = []
let read = 0
for (let n = 0; n < plates; n++) {
  const spec = HARD_SET_KINDS[Math.floor(r() * HARD_SET_KINDS.length)]!
  const truth = qRich(spec.text(r))
  const font = FONTS[Math.floor(r() * FONTS.length)]!
  const { image } = await renderHardSample(r, spec, truth, font)
  const [result, img] = await Promise.all([engine.readLines(image, { mode: 'frame' }), decodeImage(image)])
  const folded = Array.from(truth).map(fold).join('')
  for (const line of result.lines) {
    // Aligned only when the line is a run of the truth up to Q/O/0 (any other misreading: skipped).
    const at = folded.indexOf(line.chars.map((c) => fold(c.char)).join(''))
    if (at < 0 || line.chars.length === 0) continue
    read++
    line.chars.forEach((c, i) => {
      const label = GLYPH_CLASSES.indexOf(Array.from(truth)[at + i] as '0' | 'Q')
      if (label < 0 || !/[0OQ]/.test(c.char) || !c.cell) return
      const t = toGlyphTensor(img, [c.cell]).data
      cells.push(Uint8Array.from(t, (v) => Math.round((v + 1) * 127.5)))
      labels.push(label)
    })
  }
  if (n % 200 === 0) console.error(`${n}/${plates} plates, ${cells.length} cells`)
}
await engine.close()
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, 'cells.u8'), Buffer.concat(cells))
writeFileSync(join(outDir, 'labels.json'), JSON.stringify({ shape: [3, GLYPH_HEIGHT, GLYPH_WIDTH], classes: GLYPH_CLASSES, labels }))
console.log(`${plates} plates, ${read} lines aligned, ${cells.length} cells (${labels.filter((l) => l === 1).length} Q) → ${outDir}`)
