// Plate logic without the models: candidates, colour, double rows, votes.
import t from 'tap'
import type { Quad } from './detect.ts'
import type { ReadLine } from './pipeline.ts'
import { rankCandidates } from './plate-candidates.ts'
import { colourBucket, colourShares, plateColour } from './plate-colour.ts'
import { votePlates } from './plate-vote.ts'
import { interpretLine, joinDoubleRows, topRowChars } from './read-plates.ts'
import type { CharReading } from './recognise.ts'

const sure = (text: string, p = 0.99): CharReading[] => Array.from(text, (char) => ({ char, p, alternatives: [] }))
const quad = (x0: number, y0: number, x1: number, y1: number): Quad => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
const line = (text: string, q: Quad, chars = sure(text)): ReadLine => ({ text, chars, confidence: 0.95, quad: q, parts: 1 })

t.test('candidates: an unsure province is ranked by probability and by the home prefix', async (t) => {
  const chars = sure('川A12345')
  chars[0] = { char: '州', p: 0.4, alternatives: [{ char: '川', p: 0.3 }, { char: '沪', p: 0.28 }] }
  const ranked = rankCandidates(chars, { homePrefix: '川A' })
  t.equal(ranked[0]?.plate, '川A12345', 'the non-province 州 is dropped; 川A wins with the home prior')
  t.equal(ranked[1]?.plate, '沪A12345')
  t.ok(Math.abs(ranked.reduce((s, c) => s + c.score, 0) - 1) < 1e-9, 'scores are shares')
  const away = rankCandidates(chars, {})
  t.same(away.map((c) => c.plate), ['川A12345', '沪A12345'], 'without a home prefix, by probability')
  const sure沪 = sure('沪A12345')
  sure沪[0] = { char: '沪', p: 0.8, alternatives: [{ char: '川', p: 0.15 }] }
  t.equal(rankCandidates(sure沪, { homePrefix: '川A' })[0]?.plate, '沪A12345', 'a clear foreign province is not overruled by the prior')
})

t.test('candidates: lost province, extra character, lost suffix', async (t) => {
  t.equal(rankCandidates(sure('A12345'), { homePrefix: '川A' })[0]?.plate, '川A12345', 'a dropped province: the home one is proposed')
  t.same(rankCandidates(sure('A12345'), {}), [], 'nothing valid without a home province')
  const extra = [...sure('川'), { char: 'I', p: 0.5, alternatives: [] }, ...sure('S87373')]
  t.equal(rankCandidates(extra)[0]?.plate, '川S87373', 'the doubtful extra I (a border) is dropped')
  t.equal(rankCandidates(sure('川AN462'), { colour: 'white' })[0]?.plate, '川AN462警', 'a white plate gets its 警 back')
  t.same(rankCandidates(sure('川AN462'), { colour: 'blue' }), [], 'a blue plate does not')
  t.equal(rankCandidates(sure('川AO12I4'))[0]?.plate, '川A01214', 'O/I in the serial are 0/1')
})

t.test('candidates: look-alike letters and digits only where the format takes one kind', async (t) => {
  t.equal(rankCandidates(sure('沪K154650'), { colour: 'yellow-green' })[0]?.plate, '沪K15465D', 'a large new-energy plate ends in D or F, not 0')
  t.equal(rankCandidates(sure('川0D12345'))[0]?.plate, '川DD12345', 'the issuer is a letter: 0 there is D (a small new-energy plate)')
  t.equal(rankCandidates(sure('川A8S123'))[0]?.plate, '川A8S123', 'an ordinary serial takes both: the reading stands')
  const seenQ = sure('川07664学')
  seenQ[1] = { char: '0', p: 0.71, alternatives: [{ char: 'O', p: 0.25 }, { char: 'Q', p: 0.04 }] }
  t.equal(rankCandidates(seenQ)[0]?.plate, '川Q7664学', 'an alternative the recogniser listed beats a look-alike it did not')
})

t.test('candidates: the plate kind must fit the measured colour', async (t) => {
  // A green new-energy plate whose province was not read at all: 7 characters left.
  const lost = sure('MAA7398')
  t.equal(rankCandidates(lost, { homePrefix: '川A' })[0]?.plate, '川AA7398', 'without a colour, replacing the doubtful M wins')
  t.equal(rankCandidates(lost, { homePrefix: '川A', colour: 'green' })[0]?.plate, '川MAA7398', 'green: only an 8-character plate fits')
  t.equal(rankCandidates(sure('川A12345D'), { colour: 'green' })[0]?.plate, '川A12345D', 'green and yellow-green are not told apart by the box')
  t.equal(rankCandidates(sure('川A12345'), { colour: 'green' })[0]?.plate, '川A12345', 'a lone mismatching reading is still offered')
})

t.test('colour buckets and plate colour', async (t) => {
  t.equal(colourBucket(11, 60, 156), 'blue')
  t.equal(colourBucket(242, 192, 0), 'yellow')
  t.equal(colourBucket(60, 179, 113), 'green')
  t.equal(colourBucket(245, 245, 245), 'white')
  t.equal(colourBucket(20, 20, 20), 'black')
  const img = (rgb: [number, number, number], textRgb: [number, number, number]) => {
    const width = 100
    const height = 30
    const data = new Uint8Array(width * height * 3)
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x % 10 < 3 && y > 8 && y < 22 ? textRgb : rgb, (y * width + x) * 3)
    return { width, height, data }
  }
  const q = quad(0, 0, 100, 30)
  t.equal(plateColour(colourShares(img([11, 60, 156], [255, 255, 255]), q)), 'blue')
  t.equal(plateColour(colourShares(img([242, 192, 0], [10, 10, 10]), q)), 'yellow')
  t.equal(plateColour(colourShares(img([245, 245, 245], [10, 10, 10]), q)), 'white')
  t.equal(plateColour(colourShares(img([20, 20, 20], [255, 255, 255]), q)), 'black')
  t.equal(plateColour(colourShares(img([60, 179, 113], [10, 10, 10]), q)), 'green')
  t.equal(plateColour(colourShares(img([128, 128, 128], [140, 140, 140]), q)), undefined, 'grey: no plate colour')
})

t.test('double-row plates are joined; a colour narrows the kind', async (t) => {
  const top = { ...line('川A', quad(140, 100, 220, 130)), colour: 'yellow' as const }
  const bottom = { ...line('12345', quad(100, 135, 260, 190)), colour: 'yellow' as const }
  const other = line('中国人民', quad(0, 300, 200, 330))
  const joined = joinDoubleRows([other, bottom, top])
  const plate = joined.find((l) => l.doubleRow)
  t.equal(plate?.text, '川A12345')
  t.same(plate?.quad, quad(100, 100, 260, 190), 'the box covers both rows')
  t.equal(joined.length, 2, 'unrelated text is left alone')
  const reading = interpretLine(plate!, { homePrefix: '川A' })
  t.match(reading, { text: '川A12345', valid: true, doubleRow: true, colour: 'yellow', kind: 'ordinary' })
  t.equal(joinDoubleRows([top, line('12345', quad(600, 135, 760, 190))]).filter((l) => l.doubleRow).length, 0, 'rows apart are not joined')
  t.equal(interpretLine(line('川A12345', quad(0, 0, 10, 3))).colour, undefined, 'ordinary plate of unknown colour: blue or yellow, not guessed')
  t.equal(interpretLine(line('川A1234警', quad(0, 0, 10, 3))).colour, 'white', 'the kind\'s only colour')
})

t.test('stills vote', async (t) => {
  const a = sure('川A12345')
  a[0] = { char: '川', p: 0.5, alternatives: [{ char: '州', p: 0.4 }] }
  const b = sure('沪A12345')
  b[0] = { char: '沪', p: 0.45, alternatives: [{ char: '川', p: 0.4 }] }
  const c = sure('川A12345')
  const votes = votePlates([
    { text: '川A12345', confidence: 0.9, chars: a },
    { text: '沪A12345', confidence: 0.9, chars: b },
    { text: '川A12345', confidence: 0.99, chars: c },
    { text: '京B99999', confidence: 0.99, chars: sure('京B99999') },
  ])
  t.same(votes.map((v) => [v.plate, v.support, v.valid]), [['川A12345', 3, true], ['京B99999', 1, true]])
  t.ok(votes[0]!.agreement < 1 && votes[0]!.agreement > 0.8)
})

t.test('top row of a double-row plate: stray frame characters are left out', async (t) => {
  t.same(topRowChars('川A'), [0, 1])
  t.same(topRowChars('J川A'), [1, 2])
  t.same(topRowChars('川IA'), [0, 2])
  t.same(topRowChars('川LA'), [0, 2])
  t.equal(topRowChars('川A12345'), undefined, 'a whole plate is not a top row')
  t.equal(topRowChars('AB'), undefined, 'no province')
  const top = line('1川A', quad(140, 100, 220, 130), [{ char: '1', p: 0.6, alternatives: [] }, ...sure('川A')])
  const joined = joinDoubleRows([top, line('12345', quad(100, 125, 260, 190))])
  t.equal(joined[0]?.text, '川A12345')
  t.equal(joined[0]?.chars.length, 7)
})

t.test('top row of a double-row plate: a province read as another character is taken from its alternatives', async (t) => {
  // Hard set seed 777, #98: 鲁Q above 5P150, the 鲁 read as 售.
  const top = line('售Q', quad(140, 100, 220, 130), [{ char: '售', p: 0.75, alternatives: [{ char: '台', p: 0.09 }, { char: '鲁', p: 0.03 }] }, ...sure('Q')])
  const joined = joinDoubleRows([top, line('5P150', quad(100, 125, 260, 190))])
  t.equal(joined.length, 1, 'the two rows are one plate')
  const reading = interpretLine(joined[0]!, { homePrefix: '川A' })
  t.ok(reading.candidates.some((c) => c.plate === '鲁Q5P150'), `the province read is a candidate: ${JSON.stringify(reading.candidates)}`)
  t.equal(joinDoubleRows([line('售Q', quad(140, 100, 220, 130)), line('5P150', quad(100, 125, 260, 190))]).length, 2, 'no province anywhere: not a top row')
})
