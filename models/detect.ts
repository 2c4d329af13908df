// Text detection pre/post-processing for the PP-OCRv4 DB detector, in plain TypeScript.
import { resizeRgb, type RgbImage } from './image.ts'

export type Point = [number, number]
/** Corners clockwise from top-left, in source-image pixels. */
export type Quad = [Point, Point, Point, Point]

/**
 * A region in a line's own frame (a tilted plate's neighbourhood is tilted too): s runs along the
 * line from its left (0) to its right edge (1), t down from its top (0) to its bottom edge (1).
 */
export function regionAlong(q: Quad, s0: number, s1: number, t0: number, t1: number): Quad {
  const [p0, p1, , p3] = q
  const at = (s: number, t: number): [number, number] => [
    p0[0] + s * (p1[0] - p0[0]) + t * (p3[0] - p0[0]),
    p0[1] + s * (p1[1] - p0[1]) + t * (p3[1] - p0[1]),
  ]
  return [at(s0, t0), at(s1, t0), at(s1, t1), at(s0, t1)]
}

export interface DetectedBox {
  quad: Quad
  score: number
}

export interface DetectionOptions {
  limitSideLen: number
  thresh: number
  boxThresh: number
  unclipRatio: number
  minSize: number
  maxCandidates: number
}

/**
 * PaddleOCR defaults, except unclip 2.0 (1.5 cuts the province character of plates) and a longer side
 * of 736 instead of 960: detection is most of a frame's time and grows with the pixels (960×544 costs
 * ~1.9× 736×416); a plate a fifth of a 1280×720 frame wide still has ~12 px characters at 736.
 */
export const PLATE_DETECTION: DetectionOptions = {
  limitSideLen: 736,
  thresh: 0.3,
  boxThresh: 0.6,
  unclipRatio: 2.0,
  minSize: 3,
  maxCandidates: 1000,
}

const MEAN = [0.485, 0.456, 0.406] as const
const STD = [0.229, 0.224, 0.225] as const

/** Longer side at most `limit`, each side rounded to a multiple of 32 (at least 32). */
export function detectionSize(width: number, height: number, limit: number): { width: number; height: number } {
  const ratio = Math.max(width, height) > limit ? limit / Math.max(width, height) : 1
  const round32 = (v: number): number => Math.max(32, Math.round((v * ratio) / 32) * 32)
  return { width: round32(width), height: round32(height) }
}

export interface DetectionInput {
  data: Float32Array
  dims: [1, 3, number, number]
}

/** (x/255 − mean)/std for every byte value, per BGR channel: three table look-ups a pixel. */
const NORMALISED = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, x) => (x / 255 - MEAN[c]!) / STD[c]!))

/** NCHW float tensor, channels in BGR order, ImageNet mean/std applied per BGR channel as PaddleOCR does. */
export function toDetectionTensor(img: RgbImage): DetectionInput {
  const { width, height, data } = img
  const plane = width * height
  const out = new Float32Array(3 * plane)
  const [nb, ng, nr] = NORMALISED as [Float32Array, Float32Array, Float32Array]
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    out[i] = nb[data[j + 2]!]!
    out[plane + i] = ng[data[j + 1]!]!
    out[2 * plane + i] = nr[data[j]!]!
  }
  return { data: out, dims: [1, 3, height, width] }
}

export async function prepareDetection(img: RgbImage, options: DetectionOptions = PLATE_DETECTION): Promise<DetectionInput> {
  const size = detectionSize(img.width, img.height, options.limitSideLen)
  return toDetectionTensor(await resizeRgb(img, size.width, size.height))
}

// ---- geometry --------------------------------------------------------------------------------

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/** Andrew's monotone chain; returns the hull counter-clockwise (in y-down coordinates: clockwise on screen). */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  if (pts.length <= 2) return pts
  const lower: Point[] = []
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop()
    lower.push(p)
  }
  const upper: Point[] = []
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop()
    upper.push(p)
  }
  upper.pop()
  lower.pop()
  return lower.concat(upper)
}

export interface RotatedRect {
  cx: number
  cy: number
  /** Length along `angle`. */
  w: number
  h: number
  /** Radians, direction of the `w` side. */
  angle: number
}

/** Minimum-area enclosing rectangle of a hull (rotating each edge), like cv2.minAreaRect. */
export function minAreaRect(hull: Point[]): RotatedRect {
  if (hull.length === 0) return { cx: 0, cy: 0, w: 0, h: 0, angle: 0 }
  if (hull.length < 3) {
    const [a, b = a] = hull as [Point, Point?]
    const dx = b[0] - a[0]
    const dy = b[1] - a[1]
    return { cx: (a[0] + b[0]) / 2, cy: (a[1] + b[1]) / 2, w: Math.hypot(dx, dy), h: 0, angle: Math.atan2(dy, dx) }
  }
  let best: RotatedRect | undefined
  let bestArea = Infinity
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!
    const q = hull[(i + 1) % hull.length]!
    const len = Math.hypot(q[0] - p[0], q[1] - p[1])
    if (len === 0) continue
    const ux = (q[0] - p[0]) / len
    const uy = (q[1] - p[1]) / len
    let minU = Infinity
    let maxU = -Infinity
    let minV = Infinity
    let maxV = -Infinity
    for (const r of hull) {
      const u = r[0] * ux + r[1] * uy
      const v = -r[0] * uy + r[1] * ux
      if (u < minU) minU = u
      if (u > maxU) maxU = u
      if (v < minV) minV = v
      if (v > maxV) maxV = v
    }
    const area = (maxU - minU) * (maxV - minV)
    if (area < bestArea) {
      bestArea = area
      const cu = (minU + maxU) / 2
      const cv = (minV + maxV) / 2
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, w: maxU - minU, h: maxV - minV, angle: Math.atan2(uy, ux) }
    }
  }
  return best ?? { cx: 0, cy: 0, w: 0, h: 0, angle: 0 }
}

/** Corners ordered as PaddleOCR's get_mini_boxes: top-left, top-right, bottom-right, bottom-left. */
export function rectCorners(r: RotatedRect): Quad {
  const ux = Math.cos(r.angle)
  const uy = Math.sin(r.angle)
  const hw = r.w / 2
  const hh = r.h / 2
  const pts: Point[] = [
    [r.cx - ux * hw + uy * hh, r.cy - uy * hw - ux * hh],
    [r.cx + ux * hw + uy * hh, r.cy + uy * hw - ux * hh],
    [r.cx + ux * hw - uy * hh, r.cy + uy * hw + ux * hh],
    [r.cx - ux * hw - uy * hh, r.cy - uy * hw + ux * hh],
  ]
  pts.sort((a, b) => a[0] - b[0])
  const [a, b, c, d] = pts as [Point, Point, Point, Point]
  const [tl, bl] = a[1] <= b[1] ? [a, b] : [b, a]
  const [tr, br] = c[1] <= d[1] ? [c, d] : [d, c]
  return [tl, tr, br, bl]
}

function pointInQuad(x: number, y: number, q: Quad): boolean {
  let sign = 0
  for (let i = 0; i < 4; i++) {
    const a = q[i]!
    const b = q[(i + 1) % 4]!
    const c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0])
    if (c !== 0) {
      const s = c > 0 ? 1 : -1
      if (sign === 0) sign = s
      else if (s !== sign) return false
    }
  }
  return true
}

/** Mean probability inside the quad (PaddleOCR box_score_fast). */
export function boxScore(prob: Float32Array, width: number, height: number, q: Quad): number {
  const xs = q.map((p) => p[0])
  const ys = q.map((p) => p[1])
  const x0 = Math.max(0, Math.floor(Math.min(...xs)))
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)))
  const y0 = Math.max(0, Math.floor(Math.min(...ys)))
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)))
  let sum = 0
  let n = 0
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (pointInQuad(x, y, q)) {
        sum += prob[y * width + x] ?? 0
        n++
      }
    }
  }
  return n === 0 ? 0 : sum / n
}

/**
 * DB post-processing: threshold the probability map, take 8-connected components, fit a minimum-area
 * rectangle to each, keep those whose mean probability passes `boxThresh`, grow them by
 * area·unclipRatio/perimeter on every side, and map them back to source pixels. Sorted top to bottom,
 * then left to right.
 */
export function postprocessDetection(
  prob: Float32Array,
  mapWidth: number,
  mapHeight: number,
  srcWidth: number,
  srcHeight: number,
  options: DetectionOptions = PLATE_DETECTION,
): DetectedBox[] {
  const n = mapWidth * mapHeight
  const label = new Int32Array(n) // 0 unvisited/background, -1 visited
  for (let i = 0; i < n; i++) if ((prob[i] ?? 0) <= options.thresh) label[i] = -1
  const boxes: DetectedBox[] = []
  const stack = new Int32Array(n)
  const sx = srcWidth / mapWidth
  const sy = srcHeight / mapHeight
  let candidates = 0
  for (let start = 0; start < n && candidates < options.maxCandidates; start++) {
    if (label[start] !== 0) continue
    candidates++
    // Flood fill, recording each row's leftmost and rightmost pixel (enough for the convex hull).
    const rowMin = new Map<number, number>()
    const rowMax = new Map<number, number>()
    let top = 0
    stack[top++] = start
    label[start] = -1
    while (top > 0) {
      const i = stack[--top]!
      const x = i % mapWidth
      const y = (i - x) / mapWidth
      const lo = rowMin.get(y)
      if (lo === undefined || x < lo) rowMin.set(y, x)
      const hi = rowMax.get(y)
      if (hi === undefined || x > hi) rowMax.set(y, x)
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy
        if (yy < 0 || yy >= mapHeight) continue
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx
          if (xx < 0 || xx >= mapWidth) continue
          const j = yy * mapWidth + xx
          if (label[j] === 0) {
            label[j] = -1
            stack[top++] = j
          }
        }
      }
    }
    const pts: Point[] = []
    for (const [y, lo] of rowMin) {
      pts.push([lo, y])
      pts.push([rowMax.get(y) ?? lo, y])
    }
    const rect = minAreaRect(convexHull(pts))
    if (Math.min(rect.w, rect.h) < options.minSize) continue
    const score = boxScore(prob, mapWidth, mapHeight, rectCorners(rect))
    if (score < options.boxThresh) continue
    const area = rect.w * rect.h
    const perimeter = 2 * (rect.w + rect.h)
    const d = perimeter === 0 ? 0 : (area * options.unclipRatio) / perimeter
    const grown: RotatedRect = { ...rect, w: rect.w + 2 * d, h: rect.h + 2 * d }
    if (Math.min(grown.w, grown.h) < options.minSize + 2) continue
    const quad = rectCorners(grown).map(([x, y]) => [
      Math.min(Math.max(Math.round(x * sx), 0), srcWidth),
      Math.min(Math.max(Math.round(y * sy), 0), srcHeight),
    ]) as Quad
    boxes.push({ quad, score })
  }
  boxes.sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0])
  return boxes
}
