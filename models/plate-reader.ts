// The box's reader of stills: plates, and licence cards on document photos. One OcrEngine started at
// most once (eagerly with warmUp(), or on the first read), shared by every request, closed with the box.
import { OcrEngine, type EngineOptions } from './engine.ts'
import { OcrError } from './errors.ts'
import { readCard, type CardReading } from './read-card.ts'
import { readPlates, type PlateReading } from './read-plates.ts'

export interface PlateReaderOptions extends EngineOptions {
  /** The district's own plate prefix (e.g. '川A'). */
  homePrefix?: string
}

export interface PlateReader {
  read(bytes: Uint8Array): Promise<PlateReading[]>
  /** A driving or vehicle licence photo: its fields, validated against `today` (YYYY-MM-DD). */
  readCard(bytes: Uint8Array, today: string): Promise<CardReading>
  /** Starts the engine now (model check, worker threads); resolves when it is ready. */
  warmUp(): Promise<void>
  close(): Promise<void>
}

export function createPlateReader(options: PlateReaderOptions = {}): PlateReader {
  let engine: Promise<OcrEngine> | undefined
  let closed = false
  const started = (): Promise<OcrEngine> => {
    // A failed start is not cached: the next still tries again (and reports the same clear error).
    engine ??= OcrEngine.create(options).catch((err: unknown) => {
      engine = undefined
      throw err
    })
    return engine
  }
  return {
    async read(bytes) {
      if (closed) throw new OcrError('OCR_ENGINE_CLOSED')
      return readPlates(await started(), bytes, options.homePrefix ? { homePrefix: options.homePrefix } : {})
    },
    async readCard(bytes, today) {
      if (closed) throw new OcrError('OCR_ENGINE_CLOSED')
      return readCard(await started(), bytes, today)
    },
    async warmUp() {
      await started()
    },
    async close() {
      if (closed) return
      closed = true
      const e = engine
      engine = undefined
      if (e) await (await e.catch(() => undefined))?.close()
    },
  }
}
