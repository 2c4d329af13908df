// The generated hard set: plates of every kind in ../shared/domain.md (ordinary blue and yellow,
// small and large new energy, police, Hong Kong, Macau, consular, learner, trailer, motorcycle and
// truck double-row plates), photographed close up and degraded with perspective, rotation, glare,
// blur, noise and JPEG compression. Seeded, so every run sees the same images. Test/bench support.
import { createCanvas } from '@napi-rs/canvas'
import sharp from 'sharp'
import { PROVINCES, parsePlate, type PlateKind } from '../appliance/rules/plates.ts'
import { prng } from '../appliance/test-support/prng.ts'
import { drawPlate, plateSize, type LatinFont, type PlateStyle } from './render-plates.ts'

export const HARD_SET_SEED = 20261127

export interface HardSample {
  id: number
  truth: string
  /** The rules' kind of the true plate. */
  kind: PlateKind
  /** What the sample stands for (several samples can share a rules kind, e.g. yellow ordinary, motorcycle). */
  label: string
  style: PlateStyle
  doubleRow: boolean
  degradation: { plateWidth: number; perspective: number; rotationDeg: number; glare: number; blur: number; noise: number; jpegQuality: number }
  image: Buffer
}

export type Rand = () => number
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '0123456789'
const pick = (r: Rand, s: string | readonly string[]): string => {
  const a = Array.from(s)
  return a[Math.floor(r() * a.length)] ?? a[0]!
}
const between = (r: Rand, lo: number, hi: number): number => lo + (hi - lo) * r()
/** The district's own plates dominate what a Chengdu box sees; other provinces still appear. */
const prefix = (r: Rand): string => (r() < 0.6 ? '川' + (r() < 0.7 ? 'A' : pick(r, 'BCDEFGHJKLMQRSTUVWXYZ')) : pick(r, PROVINCES) + pick(r, LETTERS))
const serial = (r: Rand, n: number): string => Array.from({ length: n }, (_, i) => (i < n - 1 && r() < 0.2 ? pick(r, LETTERS) : pick(r, DIGITS))).join('')

export interface KindSpec {
  label: string
  style: PlateStyle
  doubleRow: boolean
  text: (r: Rand) => string
}

export const HARD_SET_KINDS: readonly KindSpec[] = [
  { label: 'ordinary blue', style: 'blue', doubleRow: false, text: (r) => prefix(r) + serial(r, 5) },
  { label: 'ordinary yellow (large)', style: 'yellow', doubleRow: false, text: (r) => prefix(r) + serial(r, 5) },
  { label: 'truck rear, double row', style: 'yellow', doubleRow: true, text: (r) => prefix(r) + serial(r, 5) },
  { label: 'motorcycle, double row', style: 'yellow', doubleRow: true, text: (r) => prefix(r) + serial(r, 5) },
  { label: 'trailer 挂, double row', style: 'yellow', doubleRow: true, text: (r) => prefix(r) + serial(r, 4) + '挂' },
  { label: 'learner 学', style: 'yellow', doubleRow: false, text: (r) => prefix(r) + serial(r, 4) + '学' },
  { label: 'new energy small', style: 'green', doubleRow: false, text: (r) => prefix(r) + pick(r, 'DFABCEGHJK') + pick(r, LETTERS + DIGITS) + serial(r, 0) + Array.from({ length: 4 }, () => pick(r, DIGITS)).join('') },
  { label: 'new energy large', style: 'yellow-green', doubleRow: false, text: (r) => prefix(r) + Array.from({ length: 5 }, () => pick(r, DIGITS)).join('') + pick(r, 'DF') },
  { label: 'police 警', style: 'white', doubleRow: false, text: (r) => prefix(r) + serial(r, 4) + '警' },
  { label: 'Hong Kong 港', style: 'black', doubleRow: false, text: (r) => '粤Z' + serial(r, 4) + '港' },
  { label: 'Macau 澳', style: 'black', doubleRow: false, text: (r) => '粤Z' + serial(r, 4) + '澳' },
  { label: 'consular 领', style: 'black', doubleRow: false, text: (r) => prefix(r) + serial(r, 4) + '领' },
]

const CAR_COLOURS = ['#7b1f1f', '#d9d9d9', '#202020', '#1f3f7b', '#8a8a8a', '#f2f2f2', '#5a3b1f']

/** Renders one degraded close-up of a plate; every random choice comes from `r`. */
export async function renderHardSample(r: Rand, spec: KindSpec, text: string, latin?: LatinFont) {
  const size = plateSize(text, spec.doubleRow)
  const plateWidth = Math.round(between(r, 120, 300))
  const plateHeight = Math.round((plateWidth * size.h) / size.w)
  // The plate alone, then warped onto the photo column by column (a trapezoid: the plate turned away).
  const plate = createCanvas(plateWidth, plateHeight)
  drawPlate(plate.getContext('2d'), text, spec.style, 0, 0, plateWidth, spec.doubleRow, latin)
  const W = Math.round(plateWidth * between(r, 1.4, 2))
  const H = Math.round(plateHeight * between(r, 1.8, 2.8))
  const canvas = createCanvas(W, H)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = pick(r, CAR_COLOURS)
  ctx.fillRect(0, 0, W, H)
  const perspective = between(r, -0.3, 0.3)
  const rotationDeg = between(r, -6, 6)
  ctx.save()
  ctx.translate(W / 2, H / 2)
  ctx.rotate((rotationDeg * Math.PI) / 180)
  const x0 = -plateWidth / 2 + between(r, -0.1, 0.1) * W
  const y0 = -plateHeight / 2 + between(r, -0.1, 0.1) * H
  for (let u = 0; u < plateWidth; u += 2) {
    const f = 1 - Math.abs(perspective) * (perspective > 0 ? u / plateWidth : 1 - u / plateWidth)
    const dh = plateHeight * f
    ctx.drawImage(plate, u, 0, 2, plateHeight, x0 + u, y0 + (plateHeight - dh) / 2, 2, dh)
  }
  ctx.restore()
  const glare = r() < 0.4 ? between(r, 0.3, 0.6) : 0
  if (glare > 0) {
    const gx = between(r, 0, W)
    const gy = between(r, 0, H)
    const g = ctx.createRadialGradient(gx, gy, 0, gx, gy, between(r, 0.3, 0.7) * W)
    g.addColorStop(0, `rgba(255,255,255,${glare})`)
    g.addColorStop(1, 'rgba(255,255,255,0)')
    ctx.fillStyle = g
    ctx.fillRect(0, 0, W, H)
  }
  const blur = between(r, 0.4, 1.4)
  const noise = between(r, 3, 12)
  const jpegQuality = Math.round(between(r, 30, 75))
  const raw = await sharp(canvas.toBuffer('image/png')).removeAlpha().blur(blur).raw().toBuffer({ resolveWithObject: true })
  const px = raw.data
  for (let i = 0; i < px.length; i++) {
    // Box–Muller from two uniforms: Gaussian sensor noise.
    const n = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()) * noise
    px[i] = Math.max(0, Math.min(255, Math.round((px[i] ?? 0) + n)))
  }
  const image = await sharp(px, { raw: { width: raw.info.width, height: raw.info.height, channels: 3 } }).jpeg({ quality: jpegQuality }).toBuffer()
  return { image, degradation: { plateWidth, perspective: round(perspective), rotationDeg: round(rotationDeg), glare: round(glare), blur: round(blur), noise: round(noise), jpegQuality } }
}

const round = (v: number): number => Math.round(v * 100) / 100

/** `perKind` samples of each kind (12 kinds: 20 each gives 240 plates). */
export async function generateHardSet(perKind = 20, seed = HARD_SET_SEED): Promise<HardSample[]> {
  const r = prng(seed)
  const out: HardSample[] = []
  for (let k = 0; k < perKind; k++) {
    for (const spec of HARD_SET_KINDS) {
      const truth = spec.text(r)
      const parsed = parsePlate(truth)
      if (!parsed.ok) throw new Error(`hard set generated an invalid plate ${truth} (${spec.label}): ${parsed.code}`)
      const { image, degradation } = await renderHardSample(r, spec, truth)
      out.push({ id: out.length, truth, kind: parsed.kind, label: spec.label, style: spec.style, doubleRow: spec.doubleRow, degradation, image })
    }
  }
  return out
}

/** Levenshtein distance over characters (code points). */
export function editDistance(a: string, b: string): number {
  const x = Array.from(a)
  const y = Array.from(b)
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const cur = [i]
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[y.length]!
}
