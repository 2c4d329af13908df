// The Q/0 glyph classifier's side of plate reading. The general recogniser reads a plate's Q as 0
// (p ≈ 0.99 on plate fonts, where Q's tail is short): both are valid in a serial, so the plate rules
// cannot tell them apart. Each character read as 0, O or Q is looked at again, alone, by a small
// classifier trained for that (models/training), which decides between 0 and Q.
import type { CharReading } from './recognise.ts'

/** The classifier's output order. */
export const GLYPH_CLASSES = ['0', 'Q'] as const

const ROUND = new Set(['0', 'O', 'Q'])

export function needsGlyphCheck(c: CharReading): boolean {
  return ROUND.has(c.char) && c.cell !== undefined
}

/** The recogniser's probability that the character is one of 0, O and Q, whichever it is. */
export function roundProbability(c: CharReading): number {
  return (ROUND.has(c.char) ? c.p : 0) + c.alternatives.filter((a) => ROUND.has(a.char)).reduce((s, a) => s + a.p, 0)
}

/**
 * The reading with the classifier's verdict: the recogniser's probability of "a round character"
 * (0, O and Q together) split between 0 and Q by the classifier's probabilities; other alternatives
 * (a D, an 8) keep theirs.
 */
export function applyGlyphVerdict(c: CharReading, probs: readonly number[]): CharReading {
  const round = roundProbability(c)
  const pQ = probs[1] ?? 0
  const [best, other] = pQ > 0.5 ? (['Q', '0'] as const) : (['0', 'Q'] as const)
  const pBest = Math.max(pQ, 1 - pQ)
  const alternatives = [{ char: other, p: round * (1 - pBest) }, ...c.alternatives.filter((a) => !ROUND.has(a.char))]
    .filter((a) => a.p >= 0.01)
    .sort((a, b) => b.p - a.p)
    .slice(0, 3)
  return { ...c, char: best, p: round * pBest, alternatives }
}
