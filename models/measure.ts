// Quick latency/memory measurement of the OCR engine while working on it (`npm run bench:ocr` is the recorded benchmark).
// Usage: npx tsx models/measure.ts [runs]
import { OcrEngine } from './engine.ts'
import { renderPlateCrop, renderPlateFrame } from './render-plates.ts'

const runs = Number(process.argv[2] ?? 30)
const mb = (): string => (process.memoryUsage().rss / 1e6).toFixed(0)
const engine = await OcrEngine.create({ workers: 1, intraOpThreads: 1 })
console.log(`RSS after load (main + 1 worker): ${mb()} MB`)
const crop = renderPlateCrop('川A12345', 'blue')
const frame = renderPlateFrame('川A12345', 'blue')
const time = async (name: string, img: Uint8Array, mode: 'frame' | 'crop'): Promise<void> => {
  const ms: number[] = []
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now()
    await engine.readLines(img, { mode })
    if (i >= 3) ms.push(performance.now() - t0)
  }
  ms.sort((a, b) => a - b)
  const q = (p: number): string => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0).toFixed(1)
  console.log(`${name}: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms (${runs} runs)`)
}
await time('plate crop, recognition only (crop mode)', crop, 'crop')
await time('plate crop, detection + recognition', crop, 'frame')
await time('1280×720 frame, detection + recognition', frame, 'frame')
console.log(`RSS after runs: ${mb()} MB`)
await engine.close()
