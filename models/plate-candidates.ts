// Ranked plate candidates from one reading's per-character alternatives. The province character is
// the usual weak point: alternatives there are ranked by the recogniser's probability and by the
// district's own plates (a box in Chengdu mostly sees 川A), and a reading that lost its province
// gets the home province proposed.
import { PROVINCES, parsePlate, type PlateColour } from '../appliance/rules/plates.ts'
import type { CharReading } from './recognise.ts'

export interface PlateCandidate {
  plate: string
  /** Relative score (recogniser probabilities × home prior), normalised so candidates sum to 1. */
  score: number
}

export interface CandidateOptions {
  /** The district's own prefix, e.g. '川A' (province, optionally the issuing-office letter). */
  homePrefix?: string
  /** The plate's measured colour: a white plate that lost its 警 gets it back, and so on. */
  colour?: PlateColour
  max?: number
}

/** Prior weight of a plate from the home province / home prefix against any other province. */
const HOME_PROVINCE_PRIOR = 2
const HOME_PREFIX_PRIOR = 1.5
/** Positions read with at least this probability are taken as they are. */
const SURE = 0.97
/** Probability given to a province the recogniser did not see at all (a dropped first character). */
const MISSING_PROVINCE_P = 0.05
/** Weight of a reading with one character dropped (a border or a dot read as I or 1) per (1 − p) of that character. */
const EXTRA_CHAR_P = 0.5
/** Weight of a suffix the recogniser missed (small red 警, blurred 挂) that the plate's colour implies. */
const MISSING_SUFFIX_P = 0.2
/**
 * Weight of a plate whose kind cannot have the measured colour (a green plate read as a 7-character
 * ordinary plate has lost a character). Not zero: the colour measure can be fooled by glare or the car.
 */
const COLOUR_MISMATCH_P = 0.2
/**
 * Letters and digits that print alike. Some positions take only one of the two (the issuer letter;
 * a new-energy serial's letter and its digits), so a reading that makes no valid plate as read gets
 * look-alikes as a last resort, weighted by this factor: below every alternative the recogniser itself
 * listed (those are ≥ 0.01).
 */
const LOOK_ALIKE_P = 0.01
const LOOK_ALIKES: Readonly<Record<string, string>> = { '0': 'DQ', D: '0', Q: '0', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2', '6': 'G', G: '6' }
const SUFFIXES_BY_COLOUR: Partial<Record<PlateColour, string[]>> = { white: ['警'], black: ['港', '澳', '领'], yellow: ['学', '挂'] }

const isProvince = (c: string): boolean => PROVINCES.includes(c)

/** Green and yellow-green are told apart by the yellow part alone, which the text box may leave out. */
function colourFits(colours: readonly PlateColour[], measured: PlateColour | undefined): boolean {
  if (!measured) return true
  const green = (c: PlateColour): boolean => c === 'green' || c === 'yellow-green'
  return colours.some((c) => c === measured || (green(c) && green(measured)))
}

function prior(plate: string, homePrefix: string | undefined): number {
  if (!homePrefix) return 1
  const chars = Array.from(plate)
  const home = Array.from(homePrefix)
  if (chars[0] !== home[0]) return 1
  return home[1] === undefined || chars[1] === home[1] ? HOME_PROVINCE_PRIOR * HOME_PREFIX_PRIOR : HOME_PROVINCE_PRIOR
}

/**
 * Options for one position: the read character and its alternatives (serial: no I/O, province:
 * provinces only), and with `lookAlikes` their look-alikes the recogniser did not list.
 */
function optionsAt(c: CharReading, i: number, lookAlikes: boolean): { char: string; p: number }[] {
  const all = [{ char: c.char, p: c.p }, ...c.alternatives]
  if (i === 0) {
    const provinces = all.filter((o) => isProvince(o.char))
    return provinces.length > 0 ? provinces : all.slice(0, 1)
  }
  const mapped = all.map((o) => ({ char: i >= 2 ? (o.char === 'O' ? '0' : o.char === 'I' ? '1' : o.char) : o.char, p: o.p }))
  const kept = c.p >= SURE ? mapped.slice(0, 1) : mapped
  if (!lookAlikes) return kept
  const alike = kept.flatMap((o) => Array.from(LOOK_ALIKES[o.char] ?? '').map((char) => ({ char, p: o.p * LOOK_ALIKE_P })))
  return [...kept, ...alike.filter((a) => !mapped.some((o) => o.char === a.char))]
}

function expand(chars: readonly CharReading[], lookAlikes = false): { plate: string; p: number }[] {
  let partial: { plate: string; p: number }[] = [{ plate: '', p: 1 }]
  chars.forEach((c, i) => {
    const next: { plate: string; p: number }[] = []
    for (const head of partial) for (const o of optionsAt(c, i, lookAlikes)) next.push({ plate: head.plate + o.char, p: head.p * o.p })
    partial = next.sort((a, b) => b.p - a.p).slice(0, 64) // beam: enough for 2–3 uncertain positions
  })
  return partial
}

/** Valid plates only, best first; empty when nothing valid can be made of the reading. */
export function rankCandidates(chars: readonly CharReading[], options: CandidateOptions = {}): PlateCandidate[] {
  const scored = new Map<string, number>()
  const add = (plate: string, p: number): void => {
    const parsed = parsePlate(plate)
    if (!parsed.ok) return
    const s = p * prior(parsed.plate, options.homePrefix) * (colourFits(parsed.colours, options.colour) ? 1 : COLOUR_MISMATCH_P)
    scored.set(parsed.plate, Math.max(scored.get(parsed.plate) ?? 0, s))
  }
  for (const c of expand(chars)) add(c.plate, c.p)
  if (scored.size === 0) for (const c of expand(chars, true)) add(c.plate, c.p)
  // A dropped or unreadable province: propose the home province in front of (or instead of) it.
  const home = options.homePrefix ? Array.from(options.homePrefix)[0] : undefined
  const first = chars[0]
  if (home && first && !isProvince(first.char)) {
    for (const c of expand(chars)) add(home + c.plate, c.p * MISSING_PROVINCE_P)
    for (const c of expand(chars.slice(1))) add(home + c.plate, c.p * MISSING_PROVINCE_P)
  }
  // One character too many (7 + 1, or 8 + 1): drop each in turn, weighted by how unsure it was.
  if (chars.length >= 8) {
    chars.forEach((c, i) => {
      for (const e of expand(chars.filter((_, k) => k !== i))) add(e.plate, e.p * EXTRA_CHAR_P * (1 - c.p))
    })
  }
  // Six characters on a plate whose colour implies a suffix character.
  const suffixes = options.colour ? (SUFFIXES_BY_COLOUR[options.colour] ?? []) : []
  if (chars.length === 6 && suffixes.length > 0) {
    for (const e of expand(chars)) for (const x of suffixes) add(e.plate + x, e.p * MISSING_SUFFIX_P)
  }
  const ranked = [...scored].map(([plate, score]) => ({ plate, score })).sort((a, b) => b.score - a.score)
  const total = ranked.reduce((s, c) => s + c.score, 0)
  return ranked.slice(0, options.max ?? 5).map((c) => ({ plate: c.plate, score: total > 0 ? c.score / total : 0 }))
}
