// The incident facts an officer records during the call; they are eligibility inputs by the same names.
import type { CaseRow } from '../db/schema.ts'

export const FACT_KEYS = [
  'insideServiceArea',
  'injuryOrDeath',
  'suspectedDrinkOrDrugs',
  'partyLeftScene',
  'deliberate',
  'suspectedOverload',
  'seriousSpeeding',
  'vehiclesMovable',
] as const
export type FactKey = (typeof FACT_KEYS)[number]
export type Facts = Pick<CaseRow, FactKey>

export const pickFacts = (c: CaseRow): Facts =>
  Object.fromEntries(FACT_KEYS.map((k) => [k, c[k]])) as Facts
