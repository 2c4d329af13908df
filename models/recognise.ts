// Text recognition pre/post-processing for the PP-OCRv4 SVTR/CTC recogniser, in plain TypeScript.
import { toHalfWidth } from '../appliance/rules/text.ts'
import { regionAlong, type Point, type Quad } from './detect.ts'
import type { RgbImage } from './image.ts'

export const REC_HEIGHT = 48
/**
 * The width the recogniser was trained at (PaddleOCR pads every line to at least 320). Narrower
 * batches cost proportionally less (a plate line is ~150–200 px at height 48) and read clean lines
 * alike, but lose ~1–2 points of exact plates on hard ones: pipeline.ts reads narrow first and
 * re-reads unsure lines at this width.
 */
export const REC_MIN_WIDTH = 320
export const REC_NARROW_MIN_WIDTH = 64
/** The recogniser downsamples width by 8 (one CTC step per 8 px): batch widths are multiples of it. */
const REC_WIDTH_STEP = 8
/** Cap on a single line's width, so one absurd box cannot allocate a huge tensor. */
export const REC_MAX_WIDTH = 3200

export interface RecognitionInput {
  data: Float32Array
  dims: [number, 3, number, number]
}

function quadSize(q: Quad): { w: number; h: number } {
  const d = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1])
  return { w: Math.max(d(q[0], q[1]), d(q[3], q[2])), h: Math.max(d(q[0], q[3]), d(q[1], q[2])) }
}

/** Target width at height 48: ceil(48·w/h), capped. */
export function recognitionWidth(q: Quad): number {
  const { w, h } = quadSize(q)
  if (h <= 0 || w <= 0) return 1
  return Math.min(REC_MAX_WIDTH, Math.max(1, Math.ceil((REC_HEIGHT * w) / h)))
}

/**
 * The whole image as one line, less a thin rim: a plate crop's frame line and the margin around it
 * read as an extra "I" or swallow the province character (川 is three vertical strokes, like a frame).
 */
export function wholeImageQuad(img: RgbImage, insetX = 0.025, insetY = 0.06): Quad {
  const dx = img.width * insetX
  const dy = img.height * insetY
  return [
    [dx, dy],
    [img.width - dx, dy],
    [img.width - dx, img.height - dy],
    [dx, img.height - dy],
  ]
}

/**
 * Samples each quad straight into one NCHW batch of height 48 and width max(minWidth, widest line)
 * rounded up to a multiple of 8:
 * bilinear sampling of the quad (so tilted boxes come out upright), supersampled when shrinking,
 * BGR order, (x/255 − 0.5)/0.5, right-padded with zeros (PaddleOCR's padding value).
 */
export function toRecognitionTensor(img: RgbImage, quads: readonly Quad[], minWidth = REC_MIN_WIDTH): RecognitionInput {
  const widths = quads.map(recognitionWidth)
  const batchWidth = Math.ceil(Math.max(minWidth, ...widths) / REC_WIDTH_STEP) * REC_WIDTH_STEP
  const plane = REC_HEIGHT * batchWidth
  const out = new Float32Array(quads.length * 3 * plane)
  quads.forEach((q, n) => sampleQuad(img, q, widths[n] ?? 1, out, n * 3 * plane, batchWidth))
  return { data: out, dims: [quads.length, 3, REC_HEIGHT, batchWidth] }
}

/** The glyph classifier's input: one character cell per item, 48×24, sampled like a line. */
export const GLYPH_HEIGHT = 48
export const GLYPH_WIDTH = 24

export function toGlyphTensor(img: RgbImage, cells: readonly Quad[]): RecognitionInput {
  const plane = GLYPH_HEIGHT * GLYPH_WIDTH
  const out = new Float32Array(cells.length * 3 * plane)
  cells.forEach((q, n) => sampleQuad(img, q, GLYPH_WIDTH, out, n * 3 * plane, GLYPH_WIDTH, GLYPH_HEIGHT))
  return { data: out, dims: [cells.length, 3, GLYPH_HEIGHT, GLYPH_WIDTH] }
}

/**
 * A character's cell in source pixels, from where CTC emitted it (`step`, one step per 8 px of the
 * line sampled `lineWidth` px wide at height 48): the line's height plus a little above and more
 * below (a Q's tail descends), and half as wide (about one plate character), centred on the step.
 */
export function glyphCell(line: Quad, step: number, lineWidth: number): Quad {
  const [t0, t1] = [-0.05, 1.15]
  const centre = ((step + 0.5) * REC_WIDTH_STEP) / lineWidth
  const half = (((t1 - t0) * REC_HEIGHT * GLYPH_WIDTH) / GLYPH_HEIGHT / 2) / lineWidth
  return regionAlong(line, centre - half, centre + half, t0, t1)
}

/**
 * One quad into rows of `rowStride` floats at `base` (B, G, R planes). The quad maps (s, t) ∈ [0,1]²
 * bilinearly onto the image, so along one sample row (fixed t) the source point moves on a straight
 * line between the left and right edges: each row costs two edge points, each sample two
 * multiply-adds before the bilinear pixel read (a plate crop is ~70k samples).
 */
function sampleQuad(img: RgbImage, q: Quad, tw: number, out: Float32Array, base: number, rowStride: number, H = REC_HEIGHT): void {
  const plane = H * rowStride
  const { data, width: iw, height: ih } = img
  const xMax = iw - 1
  const yMax = ih - 1
  const k = Math.min(4, Math.max(1, Math.ceil(quadSize(q).h / H))) // supersampling factor when shrinking
  const scale = 1 / (k * k * 127.5) // mean of k² samples, then x/255 → (x − 0.5)/0.5
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q
  const samples = tw * k
  const sAt = new Float64Array(samples) // horizontal sample positions, shared by every row
  for (let i = 0; i < samples; i++) sAt[i] = (i + 0.5) / samples
  const acc = new Float64Array(3 * tw) // one output row's r, g, b sums
  for (let v = 0; v < H; v++) {
    acc.fill(0)
    for (let sv = 0; sv < k; sv++) {
      const t = (v + (sv + 0.5) / k) / H
      const lx = (1 - t) * x0 + t * x3 - 0.5
      const ly = (1 - t) * y0 + t * y3 - 0.5
      const dx = (1 - t) * x1 + t * x2 - 0.5 - lx
      const dy = (1 - t) * y1 + t * y2 - 0.5 - ly
      for (let u = 0, i = 0; u < tw; u++) {
        let r = 0
        let g = 0
        let b = 0
        for (let su = 0; su < k; su++, i++) {
          const s = sAt[i]!
          const fx = lx + s * dx
          const fy = ly + s * dy
          const xf = Math.floor(fx)
          const yf = Math.floor(fy)
          const ax = fx - xf
          const ay = fy - yf
          const xa = xf < 0 ? 0 : xf > xMax ? xMax : xf
          const xb = xf + 1 < 0 ? 0 : xf + 1 > xMax ? xMax : xf + 1
          const ya = yf < 0 ? 0 : yf > yMax ? yMax : yf
          const yb = yf + 1 < 0 ? 0 : yf + 1 > yMax ? yMax : yf + 1
          const i00 = (ya * iw + xa) * 3
          const i01 = (ya * iw + xb) * 3
          const i10 = (yb * iw + xa) * 3
          const i11 = (yb * iw + xb) * 3
          const c00 = (1 - ax) * (1 - ay)
          const c01 = ax * (1 - ay)
          const c10 = (1 - ax) * ay
          const c11 = ax * ay
          r += data[i00]! * c00 + data[i01]! * c01 + data[i10]! * c10 + data[i11]! * c11
          g += data[i00 + 1]! * c00 + data[i01 + 1]! * c01 + data[i10 + 1]! * c10 + data[i11 + 1]! * c11
          b += data[i00 + 2]! * c00 + data[i01 + 2]! * c01 + data[i10 + 2]! * c10 + data[i11 + 2]! * c11
        }
        acc[3 * u]! += r
        acc[3 * u + 1]! += g
        acc[3 * u + 2]! += b
      }
    }
    const row = base + v * rowStride
    for (let u = 0; u < tw; u++) {
      out[row + u] = acc[3 * u + 2]! * scale - 1 // B
      out[row + plane + u] = acc[3 * u + 1]! * scale - 1 // G
      out[row + 2 * plane + u] = acc[3 * u]! * scale - 1 // R
    }
  }
}

export interface CharReading {
  char: string
  p: number
  /** The next most likely characters at that position (for ranking candidates later). */
  alternatives: { char: string; p: number }[]
  /** The CTC step where the character was emitted (the middle of its run of steps). */
  step?: number
  /** The character's cell in source pixels (see glyphCell). */
  cell?: Quad
}

export interface Recognised {
  text: string
  confidence: number
  chars: CharReading[]
}

/**
 * Greedy CTC decoding of [N, T, C] softmax output: argmax per step, collapse repeats, drop the blank
 * (class 0); class i is dict[i − 1] and the last class is ' '. Confidence = mean of kept maxima.
 */
export function ctcDecode(probs: Float32Array, dims: readonly number[], dictionary: readonly string[]): Recognised[] {
  const [N = 0, T = 0, C = 0] = dims
  const charOf = (idx: number): string => (idx === C - 1 && idx === dictionary.length + 1 ? ' ' : (dictionary[idx - 1] ?? ''))
  const results: Recognised[] = []
  for (let n = 0; n < N; n++) {
    const chars: CharReading[] = []
    let prev = -1
    let start = 0 // first step of the current character's run
    for (let t = 0; t < T; t++) {
      const off = (n * T + t) * C
      let best = 0
      let bestP = -1
      for (let c = 0; c < C; c++) {
        const p = probs[off + c] ?? 0
        if (p > bestP) {
          bestP = p
          best = c
          if (p > 0.5) break // softmax: no other class can be larger (most steps are a sure blank at class 0)
        }
      }
      if (best !== 0 && best !== prev) {
        const alternatives: { char: string; p: number }[] = []
        for (let c = 1; c < C; c++) {
          if (c === best) continue
          const p = probs[off + c] ?? 0
          if (p < 0.01) continue
          alternatives.push({ char: charOf(c), p })
        }
        alternatives.sort((a, b) => b.p - a.p)
        chars.push({ char: charOf(best), p: bestP, alternatives: alternatives.slice(0, 3), step: t })
        start = t
      } else if (best !== 0 && best === prev) {
        chars[chars.length - 1]!.step = (start + t) / 2
      }
      prev = best
    }
    const text = chars.map((c) => c.char).join('')
    const confidence = chars.length === 0 ? 0 : chars.reduce((s, c) => s + c.p, 0) / chars.length
    results.push({ text, confidence, chars })
  }
  return results
}

const SEPARATORS = /[\s\u3000·•・]/u

/** Folds full-width ASCII and drops middle dots, U+3000 and spaces, keeping per-character data aligned. */
export function normaliseReading(r: Recognised): Recognised {
  const chars: CharReading[] = []
  for (const c of r.chars) {
    const ch = toHalfWidth(c.char)
    if (ch === '' || SEPARATORS.test(ch)) continue
    chars.push({ ...c, char: ch })
  }
  const confidence = chars.length === 0 ? 0 : chars.reduce((s, c) => s + c.p, 0) / chars.length
  return { text: chars.map((c) => c.char).join(''), confidence, chars }
}

export interface TextLine extends Recognised {
  /** Axis-aligned box in source pixels (for merged lines, the union). */
  quad: Quad
  /** How many detected boxes were merged into this line. */
  parts: number
}

function bounds(q: Quad): { x0: number; x1: number; y0: number; y1: number } {
  const xs = q.map((p) => p[0])
  const ys = q.map((p) => p[1])
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }
}

/**
 * Merges readings that sit on one line (vertical overlap ≥ 60% of the smaller height, horizontal gap
 * ≤ 1.2× the taller height): a green plate's "川A" and "D12345" are often detected as two boxes.
 */
export function mergeLines(lines: readonly TextLine[]): TextLine[] {
  const items = [...lines].sort((a, b) => bounds(a.quad).x0 - bounds(b.quad).x0)
  const merged: TextLine[] = []
  for (const line of items) {
    const b = bounds(line.quad)
    const target = merged.find((m) => {
      const mb = bounds(m.quad)
      const overlap = Math.min(mb.y1, b.y1) - Math.max(mb.y0, b.y0)
      const minH = Math.min(mb.y1 - mb.y0, b.y1 - b.y0)
      const maxH = Math.max(mb.y1 - mb.y0, b.y1 - b.y0)
      const gap = b.x0 - mb.x1
      return minH > 0 && overlap >= 0.6 * minH && gap <= 1.2 * maxH && gap > -0.5 * maxH
    })
    if (!target) {
      merged.push({ ...line })
      continue
    }
    const mb = bounds(target.quad)
    const chars = [...target.chars, ...line.chars]
    const x0 = Math.min(mb.x0, b.x0)
    const x1 = Math.max(mb.x1, b.x1)
    const y0 = Math.min(mb.y0, b.y0)
    const y1 = Math.max(mb.y1, b.y1)
    Object.assign(target, {
      text: target.text + line.text,
      chars,
      confidence: chars.length === 0 ? 0 : chars.reduce((s, c) => s + c.p, 0) / chars.length,
      quad: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] as Quad,
      parts: target.parts + line.parts,
    })
  }
  return merged.sort((a, b) => bounds(a.quad).y0 - bounds(b.quad).y0 || bounds(a.quad).x0 - bounds(b.quad).x0)
}
