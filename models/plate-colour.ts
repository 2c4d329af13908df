// The plate's background colour from the pixels inside its box: the share of blue, yellow, green,
// white and black pixels decides (characters are the minority colour on every plate kind).
import type { PlateColour } from '../appliance/rules/plates.ts'
import type { Quad } from './detect.ts'
import type { RgbImage } from './image.ts'

type Bucket = 'blue' | 'yellow' | 'green' | 'white' | 'black' | 'other'

export function colourBucket(r: number, g: number, b: number): Bucket {
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  const v = max / 255
  const s = max === 0 ? 0 : (max - min) / max
  if (v < 0.3) return 'black'
  if (s < 0.22) return v > 0.6 ? 'white' : 'other'
  let h: number
  if (max === r) h = (60 * ((g - b) / (max - min)) + 360) % 360
  else if (max === g) h = 60 * ((b - r) / (max - min)) + 120
  else h = 60 * ((r - g) / (max - min)) + 240
  if (h >= 190 && h <= 255) return 'blue'
  if (h >= 35 && h <= 68) return 'yellow'
  if (h > 68 && h <= 170) return 'green'
  return 'other'
}

/** Shares of each bucket over ~2000 pixels of the quad's bounding box, inset 10% (edges hold frame and car). */
export function colourShares(img: RgbImage, quad: Quad): Record<Bucket, number> {
  const xs = quad.map((p) => p[0])
  const ys = quad.map((p) => p[1])
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  const ix = (x1 - x0) * 0.1
  const iy = (y1 - y0) * 0.1
  const counts: Record<Bucket, number> = { blue: 0, yellow: 0, green: 0, white: 0, black: 0, other: 0 }
  const steps = 45
  let n = 0
  for (let j = 0; j < steps; j++) {
    const y = Math.round(y0 + iy + ((y1 - y0 - 2 * iy) * (j + 0.5)) / steps)
    if (y < 0 || y >= img.height) continue
    for (let i = 0; i < steps; i++) {
      const x = Math.round(x0 + ix + ((x1 - x0 - 2 * ix) * (i + 0.5)) / steps)
      if (x < 0 || x >= img.width) continue
      const o = (y * img.width + x) * 3
      counts[colourBucket(img.data[o] ?? 0, img.data[o + 1] ?? 0, img.data[o + 2] ?? 0)]++
      n++
    }
  }
  if (n > 0) for (const k of Object.keys(counts) as Bucket[]) counts[k] /= n
  return counts
}

/** Undefined when no plate colour clearly dominates. */
export function plateColour(shares: Record<Bucket, number>): PlateColour | undefined {
  if (shares.green >= 0.2) return shares.yellow >= 0.15 ? 'yellow-green' : 'green'
  if (shares.blue >= 0.3) return 'blue'
  if (shares.yellow >= 0.3) return 'yellow'
  if (shares.black >= 0.45 && shares.black > shares.white) return 'black'
  if (shares.white >= 0.45) return 'white'
  return undefined
}
