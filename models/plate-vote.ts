// Several stills of the same vehicle vote: readings of one plate (same length, at most two
// characters apart) are grouped, and each position takes the character with the most probability
// summed over the group (each reading's character and its alternatives).
import { parsePlate } from '../appliance/rules/plates.ts'
import type { CharReading } from './recognise.ts'

/** What a vote needs of a reading (a PlateReading, or one stored with a case). */
export interface Vote {
  text: string
  confidence: number
  chars: readonly CharReading[]
}

export interface VotedPlate {
  plate: string
  valid: boolean
  /** How many readings (stills) agreed on this vehicle. */
  support: number
  /** Mean over positions of the winning character's share of the position's probability mass. */
  agreement: number
}

function distance(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) return Infinity
  return a.reduce((d, c, i) => d + (c === b[i] ? 0 : 1), 0)
}

export function votePlates(readings: readonly Vote[]): VotedPlate[] {
  const groups: Vote[][] = []
  for (const r of readings) {
    const chars = Array.from(r.text)
    const g = groups.find((g) => distance(Array.from(g[0]!.text), chars) <= 2)
    if (g) g.push(r)
    else groups.push([r])
  }
  return groups
    .map((g) => {
      const length = Array.from(g[0]!.text).length
      let agreement = 0
      let plate = ''
      for (let i = 0; i < length; i++) {
        const mass = new Map<string, number>()
        for (const r of g) {
          const c = r.chars.length === length ? r.chars[i] : undefined
          if (!c) {
            const ch = Array.from(r.text)[i] ?? ''
            mass.set(ch, (mass.get(ch) ?? 0) + r.confidence)
            continue
          }
          // The reading's own final character (after I/O fixes and candidate choice) carries its probability.
          const own = Array.from(r.text)[i] ?? c.char
          mass.set(own, (mass.get(own) ?? 0) + c.p)
          for (const a of c.alternatives) if (a.char !== own) mass.set(a.char, (mass.get(a.char) ?? 0) + a.p)
        }
        const total = [...mass.values()].reduce((s, v) => s + v, 0)
        const [best = '', p = 0] = [...mass].sort((a, b) => b[1] - a[1])[0] ?? []
        plate += best
        agreement += total > 0 ? p / total : 0
      }
      return { plate, valid: parsePlate(plate).ok, support: g.length, agreement: length > 0 ? agreement / length : 0 }
    })
    .sort((a, b) => b.support - a.support || b.agreement - a.agreement)
}
