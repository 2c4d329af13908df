// `npm run ocr -- FILE...` — reads the plates of any image file and prints them as JSON, one object
// per file: plate, validity, kind, colour, confidence and ranked candidates (or the error code).
// Options: --home=川A (the district's plate prefix, default 川A), --mode=auto|frame|crop, --card
// (read a driving or vehicle licence photo instead: its fields, validated).
import { readFile } from 'node:fs/promises'
import { OcrEngine } from './engine.ts'
import { OcrError } from './errors.ts'
import { readCard } from './read-card.ts'
import { readPlates } from './read-plates.ts'

const args = process.argv.slice(2)
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const files = args.filter((a) => !a.startsWith('--'))
const mode = option('mode') ?? 'auto'
if (files.length === 0 || !['auto', 'frame', 'crop'].includes(mode)) {
  console.error('usage: npm run ocr -- [--home=川A] [--mode=auto|frame|crop] [--card] FILE...')
  process.exit(2)
}

const engine = await OcrEngine.create({ workers: Math.min(2, files.length) })
let failed = false
for (const file of files) {
  try {
    if (args.includes('--card')) {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
      console.log(JSON.stringify({ file, card: await readCard(engine, await readFile(file), today) }))
      continue
    }
    const readings = await readPlates(engine, await readFile(file), { homePrefix: option('home') ?? '川A', mode: mode as 'auto' })
    const plates = readings.map((r) => ({
      plate: r.text,
      valid: r.valid,
      ...(r.kind ? { kind: r.kind } : {}),
      ...(r.colour ? { colour: r.colour } : {}),
      confidence: Number(r.confidence.toFixed(3)),
      ...(r.error ? { error: r.error } : {}),
      doubleRow: r.doubleRow,
      candidates: r.candidates.map((c) => ({ plate: c.plate, score: Number(c.score.toFixed(3)) })),
      box: r.box,
    }))
    console.log(JSON.stringify({ file, plates }))
  } catch (err) {
    failed = true
    const code = err instanceof OcrError ? err.code : (err as NodeJS.ErrnoException).code ?? 'ERROR'
    console.log(JSON.stringify({ file, error: { code, message: (err as Error).message } }))
  }
}
await engine.close()
process.exitCode = failed ? 1 : 0
