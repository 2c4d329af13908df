// Records a model file's new sha256 and size in models/manifest.json, in place (the manifest's own
// formatting kept). Usage: node scripts/record-model-hash.mjs FILE_NAME_IN_MODELS
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'

const name = process.argv[2]
const bytes = readFileSync(`models/${name}`)
const sha = createHash('sha256').update(bytes).digest('hex')
const manifest = 'models/manifest.json'
const entry = new RegExp(`("file": "${name.replace(/\./g, '\\.')}",\\s*"sha256": ")[0-9a-f]{64}(",\\s*"bytes": )\\d+`)
const text = readFileSync(manifest, 'utf8')
if (!entry.test(text)) throw new Error(`${manifest} has no entry for ${name}`)
writeFileSync(manifest, text.replace(entry, `$1${sha}$2${bytes.length}`))
console.log(`${manifest}: ${name} ${sha} ${bytes.length} bytes`)
