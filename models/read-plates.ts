// Image bytes → plate readings: OCR lines from the engine, then plate logic (normalise, the usual
// I/1 and O/0 confusions, double-row plates, validation with appliance/rules/plates.ts, colour,
// ranked candidates). An invalid reading is still offered, raw, so the officer can correct it.
import { normalisePlate, parsePlate, PROVINCES, type PlateColour, type PlateErrorCode, type PlateKind } from '../appliance/rules/plates.ts'
import { regionAlong, type Quad } from './detect.ts'
import type { OcrEngine } from './engine.ts'
import { rankCandidates, type PlateCandidate } from './plate-candidates.ts'
import type { ReadLine, ReadOptions } from './pipeline.ts'
import type { CharReading } from './recognise.ts'

export interface PlateReading {
  /** The best valid plate when there is one; otherwise the normalised raw reading. */
  text: string
  /** What the recogniser produced, before plate normalisation and corrections. */
  raw: string
  valid: boolean
  /** Mean per-character probability of the reading (0–1). */
  confidence: number
  /** Lowest per-character probability: the weak character (often the province). */
  minCharConfidence: number
  box: Quad
  kind?: PlateKind
  /** Measured background colour when it is clear; else the kind's only colour, if it has one. */
  colour?: PlateColour
  error?: PlateErrorCode
  /** The text differs from the raw reading beyond normalisation (I→1 / O→0, another candidate). */
  corrected: boolean
  /** Two detected lines read as one plate (motorcycles, trucks, trailers). */
  doubleRow: boolean
  /** Detected boxes joined into this reading (a gap between boxes on one row may hide a character). */
  parts: number
  /** Valid alternatives, best first (the first is `text` when valid). */
  candidates: PlateCandidate[]
  chars: CharReading[]
}

/** Serial positions (3rd character on) never hold I or O: they are 1 and 0. */
export function fixConfusions(plate: string): string {
  return Array.from(plate)
    .map((c, i) => (i >= 2 ? (c === 'I' ? '1' : c === 'O' ? '0' : c) : c))
    .join('')
}

/** Plate-shaped: 6–9 characters after normalisation, at least 4 of them latin letters or digits. */
export function looksLikePlate(text: string): boolean {
  const chars = Array.from(normalisePlate(text))
  return chars.length >= 6 && chars.length <= 9 && chars.filter((c) => /[A-Z0-9]/.test(c)).length >= 4
}

export interface InterpretOptions {
  /** The district's own plate prefix (e.g. '川A'), favoured among uncertain readings. */
  homePrefix?: string
}

export function interpretLine(line: ReadLine & { doubleRow?: boolean }, options: InterpretOptions = {}): PlateReading {
  const normalised = normalisePlate(line.text)
  // Per-character data aligned with the normalised text (normalisation only drops separators).
  const chars = line.chars.filter((c) => normalisePlate(c.char) !== '').map((c) => ({ ...c, char: normalisePlate(c.char) }))
  const candidates = rankCandidates(chars, { ...options, ...(line.colour ? { colour: line.colour } : {}) })
  const fixed = fixConfusions(normalised)
  const best = candidates[0]?.plate ?? fixed
  const parsed = parsePlate(best)
  const minCharConfidence = chars.reduce((m, c) => Math.min(m, c.p), chars.length === 0 ? 0 : 1)
  const base = {
    raw: line.text,
    confidence: line.confidence,
    minCharConfidence,
    box: line.quad,
    chars,
    candidates,
    doubleRow: line.doubleRow ?? false,
    parts: line.parts,
  }
  if (parsed.ok) {
    const colour = line.colour && parsed.colours.includes(line.colour) ? line.colour : parsed.colours.length === 1 ? parsed.colours[0] : line.colour
    return { ...base, text: parsed.plate, valid: true, kind: parsed.kind, ...(colour ? { colour } : {}), corrected: parsed.plate !== normalised }
  }
  return { ...base, text: normalised, valid: false, error: parsed.code, ...(line.colour ? { colour: line.colour } : {}), corrected: false }
}

function bounds(q: Quad): { x0: number; x1: number; y0: number; y1: number } {
  const xs = q.map((p) => p[0])
  const ys = q.map((p) => p[1])
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }
}

/**
 * A double-row plate's top row: province and issuer letter, with at most one stray character read
 * off the plate's frame before them ("J川A", "1川A") or in the gap between them ("川IA", "川LA").
 * Returns the indices of the two characters to keep.
 */
export function topRowChars(text: string): [number, number] | undefined {
  const chars = Array.from(normalisePlate(text))
  if (chars.length < 2 || chars.length > 4) return undefined
  const p = chars.findIndex((c) => PROVINCES.includes(c))
  if (p < 0 || p > 1) return undefined
  const rest = chars.length - p - 1
  const letter = /^[A-Z]$/
  if (rest === 1 && letter.test(chars[p + 1]!)) return [p, p + 1]
  if (rest === 2 && /^[IL1|]$/.test(chars[p + 1]!) && letter.test(chars[p + 2]!)) return [p, p + 2]
  return undefined
}

/**
 * Double-row plates (rear plates of motorcycles, trucks, trailers): a short top row "川A" above a
 * longer bottom row "12345" (or "1234挂"). The two are joined into one line when the top row sits
 * just above the bottom one and within its width.
 */
export function joinDoubleRows(lines: readonly ReadLine[]): Array<ReadLine & { doubleRow?: boolean }> {
  const out: Array<ReadLine & { doubleRow?: boolean }> = []
  const used = new Set<number>()
  lines.forEach((top, i) => {
    const keep = used.has(i) ? undefined : topRowChars(top.text) ?? topRowChars(provinceFromAlternatives(top))
    if (!keep) return
    const t = bounds(top.quad)
    const j = lines.findIndex((bottom, k) => {
      if (k === i || used.has(k)) return false
      const b = bounds(bottom.quad)
      const n = Array.from(normalisePlate(bottom.text)).length
      const cx = (t.x0 + t.x1) / 2
      return n >= 4 && n <= 6 && cx > b.x0 && cx < b.x1 && t.y1 <= b.y0 + 0.6 * (b.y1 - b.y0) && b.y0 - t.y1 < (b.y1 - b.y0) && t.x1 - t.x0 < b.x1 - b.x0
    })
    const bottom = lines[j]
    if (!bottom) return
    used.add(i).add(j)
    out.push(joinRows(top, keep, bottom))
  })
  lines.forEach((l, i) => {
    if (!used.has(i)) out.push(l)
  })
  return out
}

/**
 * A top row whose province was read as another character (鲁 as 售, with 鲁 among the alternatives):
 * its text with the first of its first two characters that is no province replaced by the likeliest
 * province among that character's alternatives. The candidates decide later which province it is.
 */
function provinceFromAlternatives(line: ReadLine): string {
  const chars = line.chars.map((c) => ({ ...c, char: normalisePlate(c.char) })).filter((c) => c.char !== '')
  const province = (c: CharReading) => (PROVINCES.includes(c.char) ? undefined : c.alternatives.find((a) => PROVINCES.includes(a.char))?.char)
  const k = chars.findIndex((c, i) => i < 2 && province(c) !== undefined)
  return chars.map((c, i) => (i === k ? province(c)! : c.char)).join('')
}

/** One line of a top row's kept characters followed by the bottom row, boxed around both. */
function joinRows(top: ReadLine, keep: readonly number[], bottom: ReadLine): ReadLine & { doubleRow: true } {
  const t = bounds(top.quad)
  const b = bounds(bottom.quad)
  const topChars = top.chars.filter((c) => normalisePlate(c.char) !== '').filter((_, k) => keep.includes(k))
  const chars = [...topChars, ...bottom.chars]
  return {
    text: chars.map((c) => c.char).join(''),
    chars,
    confidence: chars.reduce((s, c) => s + c.p, 0) / chars.length,
    quad: [[Math.min(t.x0, b.x0), t.y0], [Math.max(t.x1, b.x1), t.y0], [Math.max(t.x1, b.x1), b.y1], [Math.min(t.x0, b.x0), b.y1]],
    parts: top.parts + bottom.parts,
    doubleRow: true,
    ...(bottom.colour ? { colour: bottom.colour } : top.colour ? { colour: top.colour } : {}),
  }
}

export interface ReadPlatesOptions extends Omit<ReadOptions, 'mode'>, InterpretOptions {
  /** 'frame' detects text first; 'crop' reads the whole image as one plate; 'auto' (default) tries
   * 'frame' and falls back to 'crop' when nothing valid was found in a plate-shaped image. */
  mode?: 'auto' | 'frame' | 'crop'
}

/** Valid plates first (by confidence), then plate-shaped invalid readings; other text is dropped. */
export async function readPlates(engine: Pick<OcrEngine, 'readLines'>, bytes: Uint8Array, given: ReadPlatesOptions = {}): Promise<PlateReading[]> {
  const options = { glyphCheck: true, ...given }
  const mode = options.mode ?? 'auto'
  const interpret = (lines: readonly ReadLine[]): PlateReading[] => joinDoubleRows(lines).map((l) => interpretLine(l, options))
  const first = await engine.readLines(bytes, { ...options, mode: mode === 'crop' ? 'crop' : 'frame' })
  let readings = interpret(first.lines)
  if (mode !== 'crop') {
    // Readings the detector cut short get a second, targeted look (one reading at a time).
    const reread: PlateReading[] = []
    for (const r of readings) reread.push(await recoverGap(engine, bytes, await recoverFront(engine, bytes, await recoverTopRow(engine, bytes, r, options), options), options))
    readings = reread
  }
  readings = rank(readings)
  const plateShaped = first.width / first.height >= 1.8 && first.width / first.height <= 6
  if (mode === 'auto' && plateShaped && !readings.some((r) => r.valid)) {
    const crop = await engine.readLines(bytes, { ...options, mode: 'crop' })
    readings = rank([...interpret(crop.lines), ...readings])
  }
  return readings
}

/** A bottom row alone: 4–6 characters (serial, maybe 挂/学), yellow, no valid plate read from it. */
function lonelyBottomRow(r: PlateReading): boolean {
  const n = Array.from(r.text).length
  return !r.valid && !r.doubleRow && n >= 4 && n <= 6 && r.colour === 'yellow' && !PROVINCES.includes(Array.from(r.text)[0] ?? '')
}

/**
 * The small top row of a double-row plate is sometimes not detected at all. For a lone yellow bottom
 * row, the band above it is read as one line (crop mode on that region) and joined when it holds a
 * province and a letter.
 */
async function recoverTopRow(
  engine: Pick<OcrEngine, 'readLines'>,
  bytes: Uint8Array,
  r: PlateReading,
  options: ReadPlatesOptions,
): Promise<PlateReading> {
  if (!lonelyBottomRow(r)) return r
  // The middle 64% of the row's width, from 0.85 row heights above its top edge to 0.1 below it.
  const region = regionAlong(r.box, 0.18, 0.82, -0.85, 0.1)
  const top = await engine.readLines(bytes, { ...options, mode: 'crop', region }).catch(() => undefined)
  const topLine = top?.lines[0]
  const bottomLine: ReadLine = { text: r.raw, chars: r.chars, confidence: r.confidence, quad: r.box, parts: 1, ...(r.colour ? { colour: r.colour } : {}) }
  // The band was cut where the top row must be, so two characters there are taken as province and
  // letter even when the best reading is not ("my" for 川Y): the candidates pick from the alternatives.
  const keep = topLine ? (topRowChars(topLine.text) ?? (Array.from(normalisePlate(topLine.text)).length === 2 ? [0, 1] : undefined)) : undefined
  const reading = topLine && keep ? interpretLine(joinRows({ ...topLine, quad: region }, keep, bottomLine), options) : undefined
  return reading?.valid ? reading : r
}

/** A line that lost its start: 5–7 characters, plate-coloured, not starting with a province, nothing valid read. */
function missingFront(r: PlateReading): boolean {
  const chars = Array.from(normalisePlate(r.raw))
  return !r.doubleRow && r.colour !== undefined && chars.length >= 5 && chars.length <= 7 && !PROVINCES.includes(chars[0] ?? '') && (!r.valid || r.corrected)
}

/**
 * The detector sometimes leaves out a plate's start: the yellow part of a large new-energy plate, or a
 * province character it merged into the frame. The box is widened to the left by the characters a
 * plate of its colour should still have (plus half a character each side) and read again as one line;
 * the new reading replaces the old one when it is valid and starts with a province it actually read.
 */
async function recoverFront(
  engine: Pick<OcrEngine, 'readLines'>,
  bytes: Uint8Array,
  r: PlateReading,
  options: ReadPlatesOptions,
): Promise<PlateReading> {
  if (!missingFront(r)) return r
  const n = Array.from(normalisePlate(r.raw)).length
  const full = r.colour === 'green' || r.colour === 'yellow-green' ? 8 : 7
  // Widened by the missing characters plus half a character each side, 10% of its height above and below.
  const region = regionAlong(r.box, -(Math.max(1, full - n) + 0.5) / n, 1 + 0.5 / n, -0.1, 1.1)
  const reading = await readRegion(engine, bytes, region, r.colour, options)
  return reading?.valid && PROVINCES.includes(reading.chars[0]?.char ?? '') ? reading : r
}

/**
 * A row joined from several detected boxes reads each box alone, so a character the detector left
 * out between them is lost (the F of a large new-energy plate's 赣F·33311D, on the colour border).
 * An invalid joined row is read again as one line over the whole row.
 */
async function recoverGap(engine: Pick<OcrEngine, 'readLines'>, bytes: Uint8Array, r: PlateReading, options: ReadPlatesOptions): Promise<PlateReading> {
  if (r.valid || r.doubleRow || r.parts < 2) return r
  const reading = await readRegion(engine, bytes, r.box, r.colour, options)
  return reading?.valid ? reading : r
}

/** A region of the image read as one plate line, of the colour measured for the first reading. */
async function readRegion(engine: Pick<OcrEngine, 'readLines'>, bytes: Uint8Array, region: Quad, colour: PlateColour | undefined, options: ReadPlatesOptions): Promise<PlateReading | undefined> {
  const reread = await engine.readLines(bytes, { ...options, mode: 'crop', region }).catch(() => undefined)
  const line = reread?.lines[0]
  return line ? interpretLine({ ...line, ...(colour ? { colour } : {}) }, options) : undefined
}

function rank(readings: PlateReading[]): PlateReading[] {
  return readings
    .filter((r) => r.valid || looksLikePlate(r.text))
    .sort((a, b) => Number(b.valid) - Number(a.valid) || b.confidence - a.confidence)
}
