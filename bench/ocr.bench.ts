// `npm run bench:ocr` — plate OCR accuracy on the generated hard set and latency of the engine.
//
// Accuracy: the hard set (models/hard-set.ts: 12 kinds × BENCH_OCR_PER_KIND plates, fixed seed,
// perspective, rotation, glare, blur, noise, JPEG) read by readPlates as the box does (auto mode,
// home prefix 川A); exact = the top reading is the plate, character accuracy = 1 − edit distance /
// length. Latency: one request at a time on one worker thread whose sessions use 1, then 2 intra-op
// threads: clean plate crops (recognition only, and detection + recognition) and 1280×720 frames,
// taking turns over eight plates of several kinds, five of them with a 0 or a Q (the plate path's
// glyph check runs on those). Crops are JPEG q92, as the citizen page sends stills.
// Memory: RSS of the process after the engine loaded, and after the runs.
// Figures go to stdout, bench/results/ocr.json and the `ocr` section of BENCHMARKS.md.
//
// Check seeds: the same hard set drawn with other seeds (BENCH_OCR_CHECK_SEEDS), reported beside the
// fixed one so a change that only helps the bench seed shows up as such; the target is on the fixed seed.
//
// Knobs: BENCH_OCR_PER_KIND (20), BENCH_OCR_RUNS latency runs per scenario (60),
// BENCH_OCR_CHECK_SEEDS comma-separated seeds (777,4242; empty for none).
import sharp from 'sharp'
import { OcrEngine } from '../models/engine.ts'
import { editDistance, generateHardSet, HARD_SET_KINDS, HARD_SET_SEED, type HardSample } from '../models/hard-set.ts'
import { readCard } from '../models/read-card.ts'
import { readPlates } from '../models/read-plates.ts'
import { renderDrivingLicence } from '../models/render-cards.ts'
import { renderPlateCrop, renderPlateFrame } from '../models/render-plates.ts'
import { recordBenchmark, textTable, type FigureRow } from './lib/record.ts'
import { percentile } from './lib/stats.ts'

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`)
  return v
}
const PER_KIND = num('BENCH_OCR_PER_KIND', 20)
/** Latency plates: several kinds; five have a 0 or a Q, which the glyph classifier looks at again. */
const LATENCY_PLATES = ['川A12345', '川A1Q305', '渝B7Q0C8', '川AD90215', '粤Z1Q07港', '川A0K3Q6', '京N8H270', '川A0312学']
const RUNS = num('BENCH_OCR_RUNS', 60)
const CHECK_SEEDS = (process.env.BENCH_OCR_CHECK_SEEDS ?? '777,4242').split(',').filter((v) => v.trim() !== '').map((v) => {
  const seed = Number(v)
  if (!Number.isInteger(seed)) throw new Error('BENCH_OCR_CHECK_SEEDS must be comma-separated integers')
  return seed
})
const TARGET = { exact: 0.97, cropMs: 15, frameMs: 120 }
const HOME = '川A'
const rssMb = (): number => Math.round(process.memoryUsage().rss / 1e6)
const pct = (v: number): number => Math.round(v * 1000) / 10

async function accuracy(set: HardSample[]) {
  const engine = await OcrEngine.create({ workers: 2, intraOpThreads: 1 })
  const results: Array<{ sample: HardSample; read: string; dist: number }> = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < set.length) {
      const sample = set[next++]!
      const readings = await readPlates(engine, sample.image, { homePrefix: HOME }).catch(() => [])
      const read = readings[0]?.text ?? ''
      results.push({ sample, read, dist: editDistance(read, sample.truth) })
    }
  }
  await Promise.all([worker(), worker()])
  await engine.close()
  const summarise = (rs: typeof results) => {
    const chars = rs.reduce((s, r) => s + Array.from(r.sample.truth).length, 0)
    const wrongChars = rs.reduce((s, r) => s + Math.min(r.dist, Array.from(r.sample.truth).length), 0)
    return { plates: rs.length, exact: rs.filter((r) => r.dist === 0).length / rs.length, charAccuracy: 1 - wrongChars / chars }
  }
  const byKind = HARD_SET_KINDS.map((k) => ({ label: k.label, ...summarise(results.filter((r) => r.sample.label === k.label)) }))
  const errors = results.filter((r) => r.dist > 0).map((r) => ({ id: r.sample.id, label: r.sample.label, truth: r.sample.truth, read: r.read, degradation: r.sample.degradation }))
  return { all: summarise(results), byKind, errors }
}

async function latency(intraOpThreads: number) {
  const engine = await OcrEngine.create({ workers: 1, intraOpThreads })
  const rssAfterLoad = rssMb()
  const crops = await Promise.all(LATENCY_PLATES.map((p) => sharp(renderPlateCrop(p)).jpeg({ quality: 92 }).toBuffer()))
  const frames = LATENCY_PLATES.map((p) => renderPlateFrame(p))
  const card = renderDrivingLicence({
    idNumber: '510104199001011230', name: '张三', sex: '男', address: '四川省成都市锦江区红星路三段1号', birthDate: '1990-01-01',
    firstIssued: '2012-05-08', classes: 'C1', validFrom: '2018-05-08', validUntil: '2028-05-08',
  })
  const time = async (imgs: readonly Uint8Array[], mode: 'crop' | 'frame' | 'card', runs = RUNS) => {
    const ms: number[] = []
    const split = { decodeMs: [] as number[], detectMs: [] as number[], recogniseMs: [] as number[] }
    let cpu = process.cpuUsage()
    for (let i = 0; i < runs + 5; i++) {
      if (i === 5) cpu = process.cpuUsage()
      const img = imgs[i % imgs.length]!
      const t0 = performance.now()
      const result = mode === 'card' ? await readCard(engine, img, '2026-11-27') : await engine.readLines(img, { mode, glyphCheck: true })
      if (i < 5) continue // the first runs warm up the session's allocations
      ms.push(performance.now() - t0)
      if ('timings' in result) for (const k of ['decodeMs', 'detectMs', 'recogniseMs'] as const) split[k].push(result.timings[k])
    }
    const used = process.cpuUsage(cpu)
    ms.sort((a, b) => a - b)
    // Where the time went inside the worker (wall ms, median): the rest is colour, hand-off and waiting.
    const median = (v: number[]): number => Math.round(percentile([...v].sort((a, b) => a - b), 0.5) * 10) / 10
    const inWorker = split.decodeMs.length > 0 ? { decodeMs: median(split.decodeMs), detectMs: median(split.detectMs), recogniseMs: median(split.recogniseMs) } : undefined
    // CPU time of the whole process (all threads) per request: what the request costs on an idle
    // machine, and much less disturbed than wall time when other work shares the cores.
    const cpuMs = Math.round(((used.user + used.system) / 1000 / runs) * 10) / 10
    return { p50: Math.round(percentile(ms, 0.5) * 10) / 10, p95: Math.round(percentile(ms, 0.95) * 10) / 10, cpuMs, ...(inWorker ? { inWorker } : {}) }
  }
  const out = {
    intraOpThreads,
    cropRecognition: await time(crops, 'crop'),
    cropDetectRecognise: await time(crops, 'frame'),
    frame: await time(frames, 'frame'),
    card: await time([card], 'card', Math.max(5, Math.round(RUNS / 4))),
    rssAfterLoad,
    rssAfterRuns: rssMb(),
  }
  await engine.close()
  return out
}

// Latency and memory first, in a fresh process: the hard set and its engine would inflate the RSS.
const lat = [await latency(1), await latency(2)]
const t0 = performance.now()
const set = await generateHardSet(PER_KIND, HARD_SET_SEED)
console.log(`hard set: ${set.length} plates generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
const acc = await accuracy(set)
console.log(textTable(acc.byKind.map((k) => ({ kind: k.label, plates: k.plates, exact: `${pct(k.exact)}%`, chars: `${pct(k.charAccuracy)}%` }))))
console.log(`all: exact ${pct(acc.all.exact)}%, characters ${pct(acc.all.charAccuracy)}% (${acc.errors.length} wrong)`)
const checks = []
for (const seed of CHECK_SEEDS) {
  const check = await accuracy(await generateHardSet(PER_KIND, seed))
  console.log(`check seed ${seed}: exact ${pct(check.all.exact)}%, characters ${pct(check.all.charAccuracy)}% (${check.errors.length} wrong)`)
  checks.push({ seed, ...check })
}

const figures: FigureRow[] = [
  { measure: `hard set: exact plates (${acc.all.plates} plates, seed ${HARD_SET_SEED})`, value: `${pct(acc.all.exact)}%`, target: `≥ ${TARGET.exact * 100}%`, met: acc.all.exact >= TARGET.exact },
  { measure: 'hard set: characters', value: `${pct(acc.all.charAccuracy)}%`, target: null, met: null },
  ...checks.map((c) => ({ measure: `check seed ${c.seed}: exact plates / characters`, value: `${pct(c.all.exact)}% / ${pct(c.all.charAccuracy)}%`, target: null, met: null })),
  ...lat.flatMap((l) => [
    { measure: `plate crop, recognition only — ${l.intraOpThreads} thread(s): p50 / p95 ms`, value: `${l.cropRecognition.p50} / ${l.cropRecognition.p95} (CPU ${l.cropRecognition.cpuMs})`, target: l.intraOpThreads === 1 ? `p50 ≤ ${TARGET.cropMs}` : null, met: l.intraOpThreads === 1 ? l.cropRecognition.p50 <= TARGET.cropMs : null },
    { measure: `plate crop, detection + recognition — ${l.intraOpThreads} thread(s): p50 / p95 ms`, value: `${l.cropDetectRecognise.p50} / ${l.cropDetectRecognise.p95} (CPU ${l.cropDetectRecognise.cpuMs})`, target: null, met: null },
    { measure: `1280×720 frame — ${l.intraOpThreads} thread(s): p50 / p95 ms`, value: `${l.frame.p50} / ${l.frame.p95} (CPU ${l.frame.cpuMs})`, target: l.intraOpThreads === 1 ? `p50 ≤ ${TARGET.frameMs}` : null, met: l.intraOpThreads === 1 ? l.frame.p50 <= TARGET.frameMs : null },
    { measure: `driving-licence photo 960×640, fields — ${l.intraOpThreads} thread(s): p50 / p95 ms`, value: `${l.card.p50} / ${l.card.p95} (CPU ${l.card.cpuMs})`, target: null, met: null },
  ]),
  { measure: 'RSS after load (process with 1 OCR worker), MB', value: String(lat[0]!.rssAfterLoad), target: null, met: null },
  { measure: 'RSS after the latency runs (1 thread), MB', value: String(lat[0]!.rssAfterRuns), target: null, met: null },
]
console.log(textTable(figures))
const met = figures.filter((f) => f.met === true).length
const targeted = figures.filter((f) => f.met !== null).length
recordBenchmark({
  name: 'ocr',
  title: 'Plate OCR (models/)',
  summary: `Targets: ≥ 97% exact plates on the hard set; p50 on one core ≤ 15 ms for a plate crop and ≤ 120 ms for a 1280×720 frame. ${met} of ${targeted} met on this run.`,
  figures,
  columns: [
    { key: 'measure', label: 'measure' },
    { key: 'value', label: 'value', align: 'right' },
    { key: 'target', label: 'target' },
    { key: 'met', label: 'met' },
  ],
  notes: [
    `Hard set: models/hard-set.ts, ${PER_KIND} plates of each of ${HARD_SET_KINDS.length} kinds (${HARD_SET_KINDS.map((k) => k.label).join(', ')}), close-ups 120–300 px wide with perspective (±30%), rotation (±6°), glare (40% of plates), Gaussian blur σ 0.4–1.4, noise σ 3–12, JPEG q30–75; read by readPlates in auto mode with the home prefix 川A.`,
    `Per kind (exact / characters): ${acc.byKind.map((k) => `${k.label} ${pct(k.exact)}% / ${pct(k.charAccuracy)}%`).join('; ')}.`,
    `Latency: one request at a time on one worker thread (PP-OCRv4 mobile det + rec on onnxruntime-node CPU, spinning off); "threads" is the sessions\' intra-op thread count. Includes decoding (sharp), the JS pre/post-processing and the glyph check. Requests take turns over ${LATENCY_PLATES.join(', ')}: crops as JPEG q92 (as the citizen page sends stills), frames as 1280×720 JPEG q90. Until 2026-11-27 the crop figure came from one PNG crop of 川A12345 without a 0 or Q, so older figures are not comparable one to one.`,
    'Plates are detected at longer side ≤ 736 (cards at 960, recognised at 320 at once) and recognised narrow first (the line\'s own width, ≥ 64 px); a line with a character below 0.9 is read again at the trained width 320 (clean plates take one narrow pass, hard ones two).',
    'Where a plate crop\'s time goes (one thread, in-process medians on this machine): decoding with sharp ~1.7 for a 448×148 JPEG (2.2–3 for the same crop as PNG with alpha; about 1 of it is sharp\'s fixed cost per image), sampling the line into the 48×160 tensor ~1.2, the recogniser at width 160 ~6.2 (the folded model, models/training/README.md; the package\'s own takes ~7.5), CTC decoding ~0.1, the glyph classifier ~0.3 for two cells (sampling 0.2, inference 0.1), colour ~0.1; the rest is the worker hand-off. onnxruntime session options were compared back to back (CPU time): graph optimisation \'all\' (already set) is the fastest; memory arena/pattern on or off, parallel execution mode and denormals-as-zero made no measurable difference; \'basic\'/\'extended\' cost ~50% more. A narrower first pass (0.8× the line\'s width) loses 1–2 plates per seed and was not kept.',
    `In the worker, this run (median wall ms, 1 thread): plate crop decode ${lat[0]!.cropRecognition.inWorker?.decodeMs} + recognition ${lat[0]!.cropRecognition.inWorker?.recogniseMs}; frame decode ${lat[0]!.frame.inWorker?.decodeMs} + detection ${lat[0]!.frame.inWorker?.detectMs} + recognition ${lat[0]!.frame.inWorker?.recogniseMs}; the rest of a request is the colour measure, the hand-off between threads and, on a shared machine, waiting for a core.`,
    `Check seeds: the same hard set drawn with seeds ${CHECK_SEEDS.join(', ') || '(none)'}; every accuracy change is kept only if it does not lose plates on them. Serial Qs: the recogniser reads most of them as 0 with p ≥ 0.99 (6 of the 8 misses before the glyph classifier, models/glyph.ts); every character read as 0/O/Q is now decided by that classifier, trained on other faces than the hard set\'s (models/training/README.md). Remaining misses (fixed seed): 2 provinces read as other provinces (琼 as 沪, 黑 as 冀; the right one is not among the alternatives). Tried and dropped: reading lines stretched 1.25× or 1.5× wide (plate characters are narrow; it moves misses between seeds without a net gain), int8 dynamic quantisation of the recogniser (only its MatMuls quantise as exported: no speed-up).`,
    'Card: a rendered 驾驶证 (960×640 JPEG) read by readCard (detection with unclip 1.5, recognition of every line, fields by label, validation); a quarter of the runs.',
    'Latency figures are only meaningful on a quiet machine: the load average at the start of the run is in the machine line. "CPU" is the process\'s CPU time (all threads) per request in ms: close to the idle-machine latency with 1 thread, and far less disturbed by other work on the cores.',
  ],
  details: { perKind: acc.byKind, errors: acc.errors, checkSeeds: checks.map((c) => ({ seed: c.seed, all: c.all, errors: c.errors })), latency: lat, runs: RUNS },
})
