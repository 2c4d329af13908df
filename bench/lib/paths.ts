import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (bench/lib/../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const RESULTS_DIR = join(ROOT, 'bench', 'results')
export const BENCHMARKS_MD = join(ROOT, 'BENCHMARKS.md')
