// Image bytes → plate readings: OCR lines from the engine, then plate logic (normalise, the usual
// I/1 and O/0 confusions, validation with appliance/rules/plates.ts). An invalid reading is still
// offered, raw, so the officer can correct it.
import { normalisePlate, parsePlate, type PlateColour, type PlateErrorCode, type PlateKind } from '../appliance/rules/plates.ts'
import type { Quad } from './detect.ts'
import type { OcrEngine } from './engine.ts'
import type { ReadOptions } from './pipeline.ts'
import type { CharReading, TextLine } from './recognise.ts'

export interface PlateReading {
  /** The normalised plate when valid; otherwise the normalised raw reading. */
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
  colours?: PlateColour[]
  error?: PlateErrorCode
  /** Characters changed by the I→1 / O→0 fix-up. */
  corrected: boolean
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

export function interpretLine(line: TextLine): PlateReading {
  const normalised = normalisePlate(line.text)
  const fixed = fixConfusions(normalised)
  const parsed = parsePlate(fixed)
  const minCharConfidence = line.chars.reduce((m, c) => Math.min(m, c.p), line.chars.length === 0 ? 0 : 1)
  const base = { raw: line.text, confidence: line.confidence, minCharConfidence, box: line.quad, chars: line.chars }
  if (parsed.ok) {
    return { ...base, text: parsed.plate, valid: true, kind: parsed.kind, colours: parsed.colours, corrected: fixed !== normalised }
  }
  return { ...base, text: normalised, valid: false, error: parsed.code, corrected: false }
}

export interface ReadPlatesOptions extends Omit<ReadOptions, 'mode'> {
  /** 'frame' detects text first; 'crop' reads the whole image as one plate; 'auto' (default) tries
   * 'frame' and falls back to 'crop' when nothing valid was found in a plate-shaped image. */
  mode?: 'auto' | 'frame' | 'crop'
}

/** Valid plates first (by confidence), then plate-shaped invalid readings; other text is dropped. */
export async function readPlates(engine: OcrEngine, bytes: Uint8Array, options: ReadPlatesOptions = {}): Promise<PlateReading[]> {
  const mode = options.mode ?? 'auto'
  const first = await engine.readLines(bytes, { ...options, mode: mode === 'crop' ? 'crop' : 'frame' })
  let readings = rank(first.lines.map(interpretLine))
  const plateShaped = first.width / first.height >= 1.8 && first.width / first.height <= 6
  if (mode === 'auto' && plateShaped && !readings.some((r) => r.valid)) {
    const crop = await engine.readLines(bytes, { ...options, mode: 'crop' })
    readings = rank([...crop.lines.map(interpretLine), ...readings])
  }
  return readings
}

function rank(readings: PlateReading[]): PlateReading[] {
  return readings
    .filter((r) => r.valid || looksLikePlate(r.text))
    .sort((a, b) => Number(b.valid) - Number(a.valid) || b.confidence - a.confidence)
}
