// Bytes → text lines: decode, detect, crop, recognise, merge. Pure of onnxruntime: inference is
// injected, so engine.ts runs this inside its worker threads with the real sessions.
import type { PlateColour } from '../appliance/rules/plates.ts'
import { decodeImage, type DecodeOptions } from './image.ts'
import { colourShares, plateColour } from './plate-colour.ts'
import { PLATE_DETECTION, postprocessDetection, prepareDetection, type DetectionOptions, type Quad } from './detect.ts'
import type { RgbImage } from './image.ts'
import { applyGlyphVerdict, needsGlyphCheck, roundProbability } from './glyph.ts'
import { ctcDecode, glyphCell, mergeLines, normaliseReading, recognitionWidth, REC_MIN_WIDTH, REC_NARROW_MIN_WIDTH, toGlyphTensor, toRecognitionTensor, wholeImageQuad, type CharReading, type TextLine } from './recognise.ts'

export interface Tensor {
  data: Float32Array
  dims: readonly number[]
}

export type Infer = (model: 'detection' | 'recognition' | 'glyph', input: Tensor) => Promise<Tensor>

export interface ReadOptions extends DecodeOptions {
  /** 'frame': detect text boxes first; 'crop': the whole image is one line (a plate crop). */
  mode?: 'frame' | 'crop'
  /** 'crop' mode only: read this region (source pixels) as one line instead of the whole image. */
  region?: Quad
  detection?: Partial<DetectionOptions>
  /** Lines recognised together in one batch (sorted by width). */
  batchSize?: number
  /** Read narrow lines at their own width first, and only unsure ones at 320 (default: true). Cards
   * turn it off: most of their short lines have an unsure character and would be read twice. */
  narrowFirst?: boolean
  /** Plates: every character read as 0, O or Q is decided between 0 and Q by the glyph classifier. */
  glyphCheck?: boolean
}

/** A line with the dominant background colour around it (a plate's colour when the line is a plate). */
export interface ReadLine extends TextLine {
  colour?: PlateColour
}

/** A line with a character below this probability (or no text) is read again at the trained width. */
const UNSURE = 0.9

export interface ReadResult {
  width: number
  height: number
  lines: ReadLine[]
  timings: { decodeMs: number; detectMs: number; recogniseMs: number }
}

export async function readLines(bytes: Uint8Array, infer: Infer, dictionary: readonly string[], options: ReadOptions = {}): Promise<ReadResult> {
  const t0 = performance.now()
  const img = await decodeImage(bytes, options)
  const t1 = performance.now()
  let quads: Quad[]
  if (options.mode === 'crop') {
    quads = [options.region ?? wholeImageQuad(img)]
  } else {
    const det = { ...PLATE_DETECTION, ...options.detection }
    const input = await prepareDetection(img, det)
    const out = await infer('detection', input)
    const [, , mh = 0, mw = 0] = out.dims
    quads = postprocessDetection(out.data, mw, mh, img.width, img.height, det).map((b) => b.quad)
  }
  const t2 = performance.now()

  const batchSize = Math.max(1, options.batchSize ?? 6)
  const recognise = (qs: readonly Quad[], minWidth: number) => recogniseLines(img, qs, minWidth, batchSize, infer, dictionary)
  const narrowFirst = options.narrowFirst ?? true
  const lines = await recognise(quads, narrowFirst ? REC_NARROW_MIN_WIDTH : REC_MIN_WIDTH)
  // Lines at least as wide as the trained width were read at it already. With the glyph check, a
  // 0/O/Q only counts as unsure when it may be none of them: the classifier decides between them.
  const sure = (c: CharReading): boolean => (options.glyphCheck && needsGlyphCheck(c) ? roundProbability(c) : c.p) >= UNSURE
  const unsure = narrowFirst ? lines.flatMap((l, i) => (recognitionWidth(quads[i]!) < REC_MIN_WIDTH && (l.text === '' || !l.chars.every(sure)) ? [i] : [])) : []
  if (unsure.length > 0) {
    const again = await recognise(unsure.map((i) => quads[i]!), REC_MIN_WIDTH)
    unsure.forEach((i, k) => (lines[i] = again[k]!))
  }
  if (options.glyphCheck) await checkGlyphs(img, lines, infer)
  const t3 = performance.now()
  return {
    width: img.width,
    height: img.height,
    lines: mergeLines(lines.filter((l) => l.text !== '')).map((l) => {
      const colour = plateColour(colourShares(img, l.quad))
      return colour ? { ...l, colour } : l
    }),
    timings: { decodeMs: t1 - t0, detectMs: t2 - t1, recogniseMs: t3 - t2 },
  }
}

/** Recognises quads in batches of similar width (sorted, so one long line does not widen the rest); results in quad order. */
async function recogniseLines(
  img: RgbImage,
  quads: readonly Quad[],
  minWidth: number,
  batchSize: number,
  infer: Infer,
  dictionary: readonly string[],
): Promise<TextLine[]> {
  const order = quads.map((q, i) => ({ q, i, w: recognitionWidth(q) })).sort((a, b) => a.w - b.w)
  const lines = new Array<TextLine>(quads.length)
  for (let s = 0; s < order.length; s += batchSize) {
    const batch = order.slice(s, s + batchSize)
    const out = await infer('recognition', toRecognitionTensor(img, batch.map((b) => b.q), minWidth))
    ctcDecode(out.data, out.dims, dictionary).forEach((r, k) => {
      const item = batch[k]
      if (!item) return
      const line = normaliseReading(r)
      const chars = line.chars.map((c) => (c.step === undefined ? c : { ...c, cell: glyphCell(item.q, c.step, item.w) }))
      lines[item.i] = { ...line, chars, quad: item.q, parts: 1 }
    })
  }
  return lines
}

/** Runs the glyph classifier on every 0/O/Q cell of the lines in one batch and applies its verdicts in place. */
async function checkGlyphs(img: RgbImage, lines: TextLine[], infer: Infer): Promise<void> {
  const round = lines.flatMap((l) => l.chars.filter(needsGlyphCheck))
  if (round.length === 0) return
  const out = await infer('glyph', toGlyphTensor(img, round.map((c) => c.cell!)))
  const classes = out.dims[1] ?? 0
  const verdicts = new Map(round.map((c, k) => [c, applyGlyphVerdict(c, Array.from(out.data.subarray(k * classes, (k + 1) * classes)))]))
  lines.forEach((line, i) => {
    if (!line.chars.some((c) => verdicts.has(c))) return
    const chars = line.chars.map((c) => verdicts.get(c) ?? c)
    lines[i] = { ...line, chars, text: chars.map((c) => c.char).join(''), confidence: chars.reduce((s, c) => s + c.p, 0) / chars.length }
  })
}
