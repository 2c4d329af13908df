// The OCR engine: the only importer of onnxruntime-node. The main thread verifies the models
// (model-loader.ts) and hands the checked bytes to a small pool of worker threads; each worker
// creates its three sessions once (1 intra-op thread, spinning off) and runs whole requests
// (decode → detect → recognise) so neither inference nor the JS post-processing blocks the caller's
// event loop. Requests go to the least busy worker; several may be in flight.
import { availableParallelism } from 'node:os'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import type * as Ort from 'onnxruntime-node'
import { OcrError, isOcrErrorCode, serialiseError, type SerialisedOcrError } from './errors.ts'
import type { ModelEntry } from './manifest.ts'
import { checkRecognitionClasses, checkTensorSpecs, loadModels, type LoadOptions, type LoadedModels } from './model-loader.ts'
import { readLines, type Infer, type ReadOptions, type ReadResult } from './pipeline.ts'
import { GLYPH_HEIGHT, GLYPH_WIDTH } from './recognise.ts'

export interface EngineOptions extends LoadOptions {
  /** Worker threads (each with its own sessions). Default: min(2, cores). */
  workers?: number
  /** Intra-op threads per session. Default 1. */
  intraOpThreads?: number
}

/** What a worker checks a session against. */
type Specs = Pick<ModelEntry, 'inputs' | 'outputs'>

interface InitData {
  kind: 'kuaichu-ocr-engine'
  detection: Uint8Array
  recognition: Uint8Array
  detectionEntry: Specs
  recognitionEntry: Specs
  glyph: Uint8Array
  glyphEntry: Specs
  dictionary: string[]
  intraOpThreads: number
}

type ToWorker = { id: number; bytes: Uint8Array; options: ReadOptions }
type FromWorker =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerialisedOcrError }
  | { type: 'result'; id: number; result: ReadResult }
  | { type: 'error'; id: number; error: SerialisedOcrError }

interface Pending {
  resolve: (r: ReadResult) => void
  reject: (e: OcrError) => void
}

interface Slot {
  worker: Worker
  pending: Map<number, Pending>
}

function toOcrError(e: SerialisedOcrError): OcrError {
  return new OcrError(isOcrErrorCode(e.code) ? e.code : 'OCR_WORKER_FAILED', e.message)
}

export class OcrEngine {
  private readonly slots: Slot[] = []
  private nextId = 1
  private closed = false

  private constructor(
    private readonly init: InitData,
    readonly models: Pick<LoadedModels, 'installedPackageVersion'> & { detectionSha256: string; recognitionSha256: string },
  ) {}

  /** Verifies the models (hash, dictionary, class count) and starts the workers; rejects with OcrError. */
  static async create(options: EngineOptions = {}): Promise<OcrEngine> {
    const loaded = await loadModels(options)
    // Load sharp in the main thread too: a native addon first loaded by a worker can be unloaded with it.
    await import('sharp')
    const init: InitData = {
      kind: 'kuaichu-ocr-engine',
      detection: loaded.detection.bytes,
      recognition: loaded.recognition.bytes,
      detectionEntry: loaded.detection.entry,
      recognitionEntry: loaded.recognition.entry,
      glyph: loaded.glyph.bytes,
      glyphEntry: loaded.glyph.entry,
      dictionary: loaded.dictionary.entries,
      intraOpThreads: Math.max(1, options.intraOpThreads ?? 1),
    }
    const engine = new OcrEngine(init, {
      installedPackageVersion: loaded.installedPackageVersion,
      detectionSha256: loaded.detection.sha256,
      recognitionSha256: loaded.recognition.sha256,
    })
    const count = Math.max(1, options.workers ?? Math.min(2, availableParallelism()))
    try {
      await Promise.all(Array.from({ length: count }, () => engine.spawn()))
    } catch (err) {
      await engine.close()
      throw err
    }
    return engine
  }

  get workerCount(): number {
    return this.slots.length
  }

  private spawn(): Promise<void> {
    const url = new URL(import.meta.url)
    let worker: Worker
    if (url.pathname.endsWith('.ts')) {
      // Source run (tsx/tap): register tsx's loader inside the worker before importing this file.
      const api = import.meta.resolve('tsx/esm/api')
      const src = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
      worker = new Worker(src, { eval: true, workerData: this.init })
    } else {
      worker = new Worker(url, { workerData: this.init })
    }
    const slot: Slot = { worker, pending: new Map() }
    return new Promise<void>((resolve, reject) => {
      let ready = false
      const failAll = (error: OcrError): void => {
        for (const p of slot.pending.values()) p.reject(error)
        slot.pending.clear()
      }
      worker.on('message', (msg: FromWorker) => {
        switch (msg.type) {
          case 'ready':
            ready = true
            this.slots.push(slot)
            resolve()
            return
          case 'init-error':
            reject(toOcrError(msg.error))
            void worker.terminate()
            return
          case 'result':
            slot.pending.get(msg.id)?.resolve(msg.result)
            slot.pending.delete(msg.id)
            return
          case 'error':
            slot.pending.get(msg.id)?.reject(toOcrError(msg.error))
            slot.pending.delete(msg.id)
            return
        }
      })
      worker.on('error', (err) => {
        const error = new OcrError('OCR_WORKER_FAILED', `OCR worker failed: ${err.message}`, { cause: err })
        if (!ready) reject(error)
        failAll(error)
      })
      worker.on('exit', (code) => {
        const i = this.slots.indexOf(slot)
        if (i >= 0) this.slots.splice(i, 1)
        failAll(new OcrError('OCR_WORKER_FAILED', `OCR worker exited (code ${code})`))
        if (!ready) reject(new OcrError('OCR_WORKER_FAILED', `OCR worker exited during start-up (code ${code})`))
        else if (!this.closed) void this.spawn().catch(() => undefined) // keep the pool at size
      })
    })
  }

  /** Reads the text lines of an encoded image (JPEG, PNG, WebP, …). Rejects with OcrError only. */
  readLines(bytes: Uint8Array, options: ReadOptions = {}): Promise<ReadResult> {
    if (this.closed) return Promise.reject(new OcrError('OCR_ENGINE_CLOSED'))
    const slot = this.slots.reduce<Slot | undefined>((best, s) => (!best || s.pending.size < best.pending.size ? s : best), undefined)
    if (!slot) return Promise.reject(new OcrError('OCR_WORKER_FAILED', 'no OCR worker is running'))
    const id = this.nextId++
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    return new Promise<ReadResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject })
      const msg: ToWorker = { id, bytes: copy, options }
      slot.worker.postMessage(msg, [copy.buffer])
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const slots = this.slots.splice(0)
    await Promise.all(slots.map((s) => s.worker.terminate()))
  }
}

// ---- worker side -------------------------------------------------------------------------------

async function runWorker(init: InitData): Promise<void> {
  const port = parentPort
  if (!port) return
  let infer: Infer
  try {
    const mod = (await import('onnxruntime-node')) as typeof Ort & { default?: typeof Ort }
    const ort = mod.default ?? mod // CJS package: the namespace or its default, depending on the loader
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: init.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    }
    const create = async (name: string, bytes: Uint8Array): Promise<Ort.InferenceSession> => {
      try {
        return await ort.InferenceSession.create(bytes, sessionOptions)
      } catch (err) {
        throw new OcrError('MODEL_LOAD_FAILED', `${name}: ${(err as Error).message}`, { cause: err })
      }
    }
    const det = await create('detection', init.detection)
    const rec = await create('recognition', init.recognition)
    const glyph = await create('glyph', init.glyph)
    const meta = (s: Ort.InferenceSession, which: 'inputMetadata' | 'outputMetadata') =>
      s[which].map((m) => ({ name: m.name, ...(m.isTensor ? { type: m.type, shape: m.shape } : {}) }))
    checkTensorSpecs('detection', 'input', init.detectionEntry.inputs, meta(det, 'inputMetadata'))
    checkTensorSpecs('detection', 'output', init.detectionEntry.outputs, meta(det, 'outputMetadata'))
    checkTensorSpecs('recognition', 'input', init.recognitionEntry.inputs, meta(rec, 'inputMetadata'))
    checkTensorSpecs('recognition', 'output', init.recognitionEntry.outputs, meta(rec, 'outputMetadata'))
    checkTensorSpecs('glyph', 'input', init.glyphEntry.inputs, meta(glyph, 'inputMetadata'))
    checkTensorSpecs('glyph', 'output', init.glyphEntry.outputs, meta(glyph, 'outputMetadata'))

    const sessions = { detection: det, recognition: rec, glyph }
    infer = async (model, input) => {
      const session = sessions[model]
      const inputName = session.inputNames[0] ?? 'x'
      const outputName = session.outputNames[0] ?? ''
      const feeds = { [inputName]: new ort.Tensor('float32', input.data, [...input.dims]) }
      const out = await session.run(feeds)
      const t = out[outputName]
      if (!t) throw new OcrError('OCR_WORKER_FAILED', `${model} produced no "${outputName}"`)
      return { data: t.data as Float32Array, dims: t.dims }
    }
    // The class count is checked on a real run too (metadata can be symbolic), which also warms up.
    const warm = await infer('recognition', { data: new Float32Array(3 * 48 * 320), dims: [1, 3, 48, 320] })
    checkRecognitionClasses(warm.dims[2], init.dictionary.length)
    await infer('detection', { data: new Float32Array(3 * 64 * 64), dims: [1, 3, 64, 64] })
    await infer('glyph', { data: new Float32Array(3 * GLYPH_HEIGHT * GLYPH_WIDTH), dims: [1, 3, GLYPH_HEIGHT, GLYPH_WIDTH] })
  } catch (err) {
    port.postMessage({ type: 'init-error', error: serialiseError(err) } satisfies FromWorker)
    return
  }
  port.on('message', (msg: ToWorker) => {
    readLines(msg.bytes, infer, init.dictionary, msg.options).then(
      (result) => port.postMessage({ type: 'result', id: msg.id, result } satisfies FromWorker),
      (err: unknown) => port.postMessage({ type: 'error', id: msg.id, error: serialiseError(err) } satisfies FromWorker),
    )
  })
  port.postMessage({ type: 'ready' } satisfies FromWorker)
}

if (!isMainThread && (workerData as Partial<InitData> | null)?.kind === 'kuaichu-ocr-engine') {
  void runWorker(workerData as InitData)
}
