// The generated hard set: deterministic, valid plates of every kind, and a floor on what the engine
// reads of a small slice of it (the full set and the 97% target are bench:ocr's job).
import { createHash } from 'node:crypto'
import t from 'tap'
import { parsePlate } from '../appliance/rules/plates.ts'
import { OcrEngine } from './engine.ts'
import { editDistance, generateHardSet, HARD_SET_KINDS, HARD_SET_SEED } from './hard-set.ts'
import { readPlates } from './read-plates.ts'

const set = await generateHardSet(2)

t.test('seeded, every kind, valid truths', async (t) => {
  t.equal(set.length, 2 * HARD_SET_KINDS.length)
  const again = await generateHardSet(1)
  const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex')
  t.same(again.map((s) => hash(s.image)), set.slice(0, HARD_SET_KINDS.length).map((s) => hash(s.image)), 'same seed, same images')
  t.same(new Set(set.map((s) => s.label)).size, HARD_SET_KINDS.length)
  for (const kind of ['ordinary', 'trailer', 'learner', 'police', 'hongkong', 'macau', 'consular', 'new-energy-small', 'new-energy-large']) {
    t.ok(set.some((s) => s.kind === kind), `has ${kind}`)
  }
  t.ok(set.every((s) => parsePlate(s.truth).ok))
  t.ok(set.some((s) => s.doubleRow) && set.some((s) => s.degradation.glare > 0))
  t.equal(editDistance('川A12345', '川A1234'), 1)
  t.equal(editDistance('川A12345', '沪A12346'), 2)
})

t.test('the engine reads most of a hard slice', async (t) => {
  const engine = await OcrEngine.create({ workers: 2 })
  t.teardown(() => engine.close())
  const reads = await Promise.all(set.map((s) => readPlates(engine, s.image, { homePrefix: '川A' }).then((r) => r[0]?.text ?? '')))
  const exact = reads.filter((r, i) => r === set[i]!.truth).length
  const chars = set.reduce((n, s) => n + Array.from(s.truth).length, 0)
  const wrong = reads.reduce((n, r, i) => n + editDistance(r, set[i]!.truth), 0)
  const misses = reads.map((r, i) => `${set[i]!.truth}→${r || '∅'}`).filter((_, i) => reads[i] !== set[i]!.truth)
  t.ok(exact / set.length >= 0.9, `exact ${exact}/${set.length}; misses: ${misses.join(' ')}`)
  t.ok(1 - wrong / chars >= 0.98, `characters ${(100 * (1 - wrong / chars)).toFixed(1)}%`)
})

// Plates the detector cuts, from the fixed seed: #79, a large new-energy plate whose F (on the
// yellow/green border) falls between two detected boxes; #184, a trailer plate tilted 6° whose top
// row is not detected at all (the band above the bottom row must follow the tilt). From seed 777:
// #115, a large new-energy plate tilted 3° whose yellow 川T is left out (the widened region too).
t.test('rows the detector cut are read again', async (t) => {
  const engine = await OcrEngine.create({ workers: 2 })
  t.teardown(() => engine.close())
  for (const [seed, perKind, ids] of [[HARD_SET_SEED, 16, [79, 184]], [777, 10, [115]]] as const) {
    const samples = await generateHardSet(perKind, seed)
    for (const id of ids) {
      const sample = samples[id]!
      const read = await readPlates(engine, sample.image, { homePrefix: '川A' })
      t.equal(read[0]?.text, sample.truth, `seed ${seed} #${id} ${sample.label}, ${JSON.stringify(sample.degradation)}`)
    }
  }
})

// Serial Qs of the fixed seed that the general recogniser reads as 0 with p ≈ 0.99 (#28 a trailer,
// #63 a large yellow, #96 a blue plate with glare, #204 a Q right after the issuer letter); the glyph
// classifier, trained on other faces than the hard set's, decides them.
t.test('a Q is told from a 0', async (t) => {
  const engine = await OcrEngine.create({ workers: 2 })
  t.teardown(() => engine.close())
  const samples = await generateHardSet(18)
  for (const id of [28, 63, 96, 204]) {
    const sample = samples[id]!
    const read = await readPlates(engine, sample.image, { homePrefix: '川A' })
    t.equal(read[0]?.text, sample.truth, `#${id} ${sample.label}`)
    const without = await readPlates(engine, sample.image, { homePrefix: '川A', glyphCheck: false })
    t.equal(without[0]?.text, sample.truth.replace('Q', '0'), `#${id} without the classifier: Q read as 0`)
  }
})
