// Unit tests of the pure pre/post-processing (no onnxruntime).
import sharp from 'sharp'
import t from 'tap'
import { convexHull, detectionSize, minAreaRect, postprocessDetection, PLATE_DETECTION, type Quad } from './detect.ts'
import { fixConfusions, interpretLine, looksLikePlate } from './read-plates.ts'
import { applyGlyphVerdict, needsGlyphCheck } from './glyph.ts'
import { readLines, type Infer } from './pipeline.ts'
import { ctcDecode, GLYPH_HEIGHT, GLYPH_WIDTH, glyphCell, mergeLines, normaliseReading, recognitionWidth, toGlyphTensor, toRecognitionTensor, type TextLine } from './recognise.ts'

t.test('detection size: longer side ≤ 960, multiples of 32', async (t) => {
  t.same(detectionSize(1280, 720, 960), { width: 960, height: 544 })
  t.same(detectionSize(448, 148, 960), { width: 448, height: 160 })
  t.same(detectionSize(10, 10, 960), { width: 32, height: 32 })
  const s = detectionSize(4000, 3000, 960)
  t.ok(s.width <= 960 && s.width % 32 === 0 && s.height % 32 === 0)
})

t.test('min-area rectangle of a tilted bar', async (t) => {
  const pts: [number, number][] = []
  for (let i = 0; i <= 100; i++) for (let j = 0; j <= 10; j++) pts.push([i + j * 0.2, i * 0.2 + j])
  const r = minAreaRect(convexHull(pts))
  t.ok(Math.abs(r.w * r.h - 100 * 10 * (1 - 0.04)) < 60, `area ${r.w * r.h}`)
})

t.test('DB post-processing finds a block and unclips it', async (t) => {
  const W = 64
  const H = 32
  const prob = new Float32Array(W * H)
  for (let y = 12; y < 20; y++) for (let x = 10; x < 50; x++) prob[y * W + x] = 0.9
  const boxes = postprocessDetection(prob, W, H, W * 2, H * 2, PLATE_DETECTION)
  t.equal(boxes.length, 1)
  const [tl, , br] = boxes[0]!.quad
  t.ok(tl[0] < 20 && br[0] > 98 && tl[1] < 24 && br[1] > 38, `grown and scaled: ${JSON.stringify(boxes[0]!.quad)}`)
  const weak = new Float32Array(W * H).map((_, i) => (i % W > 10 && i % W < 50 && i > 12 * W && i < 20 * W ? 0.4 : 0))
  t.equal(postprocessDetection(weak, W, H, W, H).length, 0, 'below box threshold 0.6')
})

t.test('recognition tensor: height 48, min width 320 (or narrow), BGR, (x/255−0.5)/0.5, zero padding', async (t) => {
  const img = { width: 96, height: 48, data: new Uint8Array(96 * 48 * 3) }
  for (let i = 0; i < 96 * 48; i++) img.data.set([255, 0, 51], i * 3) // R=255 G=0 B=51
  const q: Quad = [[0, 0], [96, 0], [96, 48], [0, 48]]
  t.equal(recognitionWidth(q), 96)
  const { data, dims } = toRecognitionTensor(img, [q])
  t.same(dims, [1, 3, 48, 320])
  const plane = 48 * 320
  t.ok(Math.abs(data[0]! - (51 / 255 - 0.5) / 0.5) < 1e-5, 'channel 0 is blue')
  t.ok(Math.abs(data[2 * plane]! - 1) < 1e-5, 'channel 2 is red')
  t.equal(data[200], 0, 'right padding is 0')
  t.same(toRecognitionTensor(img, [q], 64).dims, [1, 3, 48, 96], 'a narrow batch: the line itself, no padding to 320')
  t.same(toRecognitionTensor(img, [[[0, 0], [100, 0], [100, 48], [0, 48]]], 64).dims, [1, 3, 48, 104], 'widths are multiples of 8')
})

t.test('recognition tensor: a tilted quad is sampled as the bilinear map of its corners, k×k supersampled', async (t) => {
  // A smooth image (r = x, g = y, b = x + y, all mod 256) and a tilted, shrunk quad: every output
  // value must equal the mean of k² bilinear samples at the quad's bilinear map of (s, t).
  const W = 300
  const H = 200
  const img = { width: W, height: H, data: new Uint8Array(W * H * 3) }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img.data.set([x % 256, y % 256, (x + y) % 256], (y * W + x) * 3)
  const q: Quad = [[20.5, 30.25], [260.75, 10], [280, 130.5], [35, 150]]
  const { data, dims } = toRecognitionTensor(img, [q], 64)
  const tw = recognitionWidth(q)
  const k = Math.ceil(Math.hypot(280 - 260.75, 130.5 - 10) / 48)
  const pixel = (x: number, y: number, c: number): number => img.data[(Math.min(H - 1, Math.max(0, y)) * W + Math.min(W - 1, Math.max(0, x))) * 3 + c]!
  const bilinear = (fx: number, fy: number, c: number): number => {
    const x0 = Math.floor(fx)
    const y0 = Math.floor(fy)
    const ax = fx - x0
    const ay = fy - y0
    return pixel(x0, y0, c) * (1 - ax) * (1 - ay) + pixel(x0 + 1, y0, c) * ax * (1 - ay) + pixel(x0, y0 + 1, c) * (1 - ax) * ay + pixel(x0 + 1, y0 + 1, c) * ax * ay
  }
  const expected = (u: number, v: number, c: number): number => {
    let sum = 0
    for (let sv = 0; sv < k; sv++) {
      for (let su = 0; su < k; su++) {
        const s = (u + (su + 0.5) / k) / tw
        const tt = (v + (sv + 0.5) / k) / 48
        const at = (i: 0 | 1): number => (1 - s) * (1 - tt) * q[0][i] + s * (1 - tt) * q[1][i] + s * tt * q[2][i] + (1 - s) * tt * q[3][i] - 0.5
        sum += bilinear(at(0), at(1), c)
      }
    }
    return sum / (k * k) / 127.5 - 1
  }
  const plane = 48 * dims[3]
  let worst = 0
  for (const v of [0, 7, 23, 47]) {
    for (const u of [0, 1, 50, Math.floor(tw / 2), tw - 1]) {
      for (const [c, ch] of [[2, 0], [1, 1], [0, 2]] as const) worst = Math.max(worst, Math.abs(data[ch * plane + v * dims[3] + u]! - expected(u, v, c)))
    }
  }
  t.ok(k > 1, `supersampled (k = ${k})`)
  t.ok(worst < 1e-5, `largest difference ${worst}`)
})

t.test('CTC greedy decoding', async (t) => {
  const dict = ['川', 'A', '1']
  const C = dict.length + 2
  const steps = [1, 1, 0, 2, 0, 2, 3, 4] // 川 川 _ A _ A 1 ' '
  const probs = new Float32Array(steps.length * C)
  steps.forEach((c, i) => (probs[i * C + c] = 0.9))
  const [r] = ctcDecode(probs, [1, steps.length, C], dict)
  t.equal(r?.text, '川AA1 ')
  t.equal(normaliseReading(r!).text, '川AA1')
  t.same(r?.chars.map((c) => c.step), [0.5, 3, 5, 6, 7], 'each character at the middle of its run of steps')
})

t.test('a character cell: centred on its CTC step, 1.2 line heights tall, half as wide', async (t) => {
  // A line 200 px wide and 50 px high, sampled at height 48 → 192 px: step s is at x = (s + 0.5)·8·200/192.
  const line: Quad = [[0, 0], [200, 0], [200, 50], [0, 50]]
  const cell = glyphCell(line, 11.5, 192)
  const x = (12 * 8 * 200) / 192
  t.ok(Math.abs((cell[0][0] + cell[1][0]) / 2 - x) < 1e-9, 'centred on the step')
  t.ok(Math.abs(cell[0][1] - -2.5) < 1e-9 && Math.abs(cell[3][1] - 57.5) < 1e-9, 'from 5% above to 15% below')
  t.ok(Math.abs(cell[1][0] - cell[0][0] - 30) < 1e-9, 'half as wide as tall')
  const tensor = toGlyphTensor({ width: 200, height: 50, data: new Uint8Array(200 * 50 * 3).fill(255) }, [cell, cell])
  t.same(tensor.dims, [2, 3, GLYPH_HEIGHT, GLYPH_WIDTH])
})

t.test('the glyph verdict splits the round-character probability between 0 and Q', async (t) => {
  const zero = { char: '0', p: 0.9, alternatives: [{ char: 'O', p: 0.05 }, { char: 'D', p: 0.04 }], cell: [[0, 0], [1, 0], [1, 1], [0, 1]] as Quad }
  t.ok(needsGlyphCheck(zero))
  t.notOk(needsGlyphCheck({ ...zero, char: 'D' }), 'only 0, O and Q')
  t.notOk(needsGlyphCheck({ char: '0', p: 0.9, alternatives: [] }), 'not without a cell')
  const q = applyGlyphVerdict(zero, [0.2, 0.8])
  t.equal(q.char, 'Q')
  t.ok(Math.abs(q.p - 0.95 * 0.8) < 1e-9)
  t.same(q.alternatives.map((a) => a.char), ['0', 'D'], 'the other round character, then the rest')
  t.ok(Math.abs(q.alternatives[0]!.p - 0.95 * 0.2) < 1e-9)
  t.equal(applyGlyphVerdict({ ...zero, char: 'Q' }, [0.7, 0.3]).char, '0')
})

t.test('pipeline: a character unsure only between 0 and Q is left to the glyph classifier, not read again at 320', async (t) => {
  const dict = ['川', 'A', '1', '0', 'Q']
  const C = dict.length + 2
  const bytes = await sharp(Buffer.from(Array.from({ length: 200 * 60 * 3 }, (_, i) => (i * 7) % 256)), { raw: { width: 200, height: 60, channels: 3 } }).png().toBuffer()
  const calls = { recognition: 0, glyph: 0 }
  const infer: Infer = async (model, input) => {
    calls[model as 'recognition' | 'glyph']++
    const n = input.dims[0] ?? 1
    if (model === 'glyph') return { data: new Float32Array(Array.from({ length: n }, () => [0.1, 0.9]).flat()), dims: [n, 2] }
    // 川 A 1 then a round character: 0 (p 0.6) or Q (p 0.35); blanks between.
    const T = (input.dims[3] ?? 0) / 8
    const probs = new Float32Array(n * T * C)
    for (let step = 0; step < T; step++) probs[step * C] = 1
    const emit = (step: number, cls: number, p: number, other?: [number, number]) => {
      probs[step * C] = 0
      probs[step * C + cls] = p
      if (other) probs[step * C + other[0]] = other[1]
    }
    emit(1, 1, 0.99)
    emit(3, 2, 0.99)
    emit(5, 3, 0.99)
    emit(7, 4, 0.6, [5, 0.35])
    return { data: probs, dims: [n, T, C] }
  }
  const checked = await readLines(bytes, infer, dict, { mode: 'crop', glyphCheck: true })
  t.equal(checked.lines[0]?.text, '川A1Q', 'the classifier decided Q')
  t.same(calls, { recognition: 1, glyph: 1 }, 'one narrow pass, one classifier batch')
  calls.recognition = calls.glyph = 0
  const plain = await readLines(bytes, infer, dict, { mode: 'crop' })
  t.equal(plain.lines[0]?.text, '川A10')
  t.same(calls, { recognition: 2, glyph: 0 }, 'without the classifier the unsure line is read again at 320')
})

t.test('merging two boxes on one line', async (t) => {
  const line = (text: string, x0: number, x1: number): TextLine => ({
    text,
    confidence: 0.9,
    chars: Array.from(text, (char) => ({ char, p: 0.9, alternatives: [] })),
    quad: [[x0, 100], [x1, 100], [x1, 140], [x0, 140]],
    parts: 1,
  })
  const merged = mergeLines([line('D12345', 200, 400), line('川A', 120, 185), line('other', 100, 300)].map((l, i) => (i === 2 ? { ...l, quad: [[100, 300], [300, 300], [300, 340], [100, 340]] as Quad } : l)))
  t.equal(merged.length, 2)
  t.equal(merged[0]?.text, '川AD12345')
  t.equal(merged[0]?.parts, 2)
})

t.test('plate interpretation', async (t) => {
  t.equal(fixConfusions('川AO12I4'), '川A01214')
  t.equal(fixConfusions('川O12345'), '川O12345', 'the issuer letter is left alone')
  t.ok(looksLikePlate('川A·12345'))
  t.notOk(looksLikePlate('中国人民'))
  const mk = (text: string): TextLine => ({
    text,
    confidence: 0.9,
    chars: Array.from(text, (char) => ({ char, p: 0.9, alternatives: [] })),
    quad: [[0, 0], [1, 0], [1, 1], [0, 1]],
    parts: 1,
  })
  t.match(interpretLine(mk('川A·I2345')), { text: '川A12345', valid: true, corrected: true })
  t.match(interpretLine(mk('川Ａ　12345')), { text: '川A12345', valid: true, corrected: false })
  t.match(interpretLine(mk('JA12345')), { text: 'JA12345', valid: false, error: 'PLATE_PROVINCE', raw: 'JA12345' })
})
