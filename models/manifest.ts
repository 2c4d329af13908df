// TypeBox schema of models/manifest.json and a checked reader for it.
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { OcrError } from './errors.ts'

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' })
/** A dimension: a fixed size, or a symbolic name for a dynamic one. */
const Dim = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })])
const TensorSpec = Type.Object(
  { name: Type.String({ minLength: 1 }), type: Type.Literal('float32'), shape: Type.Array(Dim, { minItems: 1 }) },
  { additionalProperties: false },
)
export type TensorSpec = Static<typeof TensorSpec>

const FileEntry = {
  /** Path inside the npm package. */
  file: Type.String({ minLength: 1 }),
  /** Key of the package entry's default export that resolves to this file. */
  export: Type.String({ minLength: 1 }),
  sha256: Sha256,
  bytes: Type.Integer({ minimum: 1 }),
  licence: Type.String({ minLength: 1 }),
  upstream: Type.String({ minLength: 1 }),
}

const ModelEntry = Type.Object(
  { ...FileEntry, inputs: Type.Array(TensorSpec, { minItems: 1 }), outputs: Type.Array(TensorSpec, { minItems: 1 }) },
  { additionalProperties: false },
)
export type ModelEntry = Static<typeof ModelEntry>

/** A model trained by this project and kept in the repository (path relative to models/). */
const LocalModelEntry = Type.Object(
  {
    file: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9._-]+$' }),
    sha256: Sha256,
    bytes: Type.Integer({ minimum: 1 }),
    licence: Type.String({ minLength: 1 }),
    upstream: Type.String({ minLength: 1 }),
    inputs: Type.Array(TensorSpec, { minItems: 1 }),
    outputs: Type.Array(TensorSpec, { minItems: 1 }),
  },
  { additionalProperties: false },
)
export type LocalModelEntry = Static<typeof LocalModelEntry>

export const ManifestSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    package: Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        version: Type.String({ minLength: 1 }),
        entry: Type.String({ minLength: 1 }),
        licence: Type.String({ minLength: 1 }),
        repository: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    models: Type.Object({ detection: ModelEntry, recognition: ModelEntry }, { additionalProperties: false }),
    local: Type.Object({ recognition: LocalModelEntry, glyph: LocalModelEntry }, { additionalProperties: false }),
    dictionary: Type.Object(
      { ...FileEntry, entries: Type.Integer({ minimum: 1 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type Manifest = Static<typeof ManifestSchema>

export const MANIFEST_URL = new URL('./manifest.json', import.meta.url)

/** Checks any value against the schema; throws MODEL_MANIFEST_INVALID listing the first problems. */
export function parseManifest(value: unknown): Manifest {
  if (Value.Check(ManifestSchema, value)) return value
  const problems = [...Value.Errors(ManifestSchema, value)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`)
  throw new OcrError('MODEL_MANIFEST_INVALID', `models/manifest.json is invalid: ${problems.join('; ')}`)
}

export function readManifest(url: URL = MANIFEST_URL): Manifest {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(url, 'utf8'))
  } catch (err) {
    throw new OcrError('MODEL_MANIFEST_INVALID', `cannot read ${url.pathname}: ${(err as Error).message}`)
  }
  return parseManifest(raw)
}
