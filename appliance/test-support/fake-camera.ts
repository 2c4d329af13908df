// Fake camera footage for real-browser tests: writes YUV4MPEG2 (.y4m, 4:2:0) files that Chromium
// plays as the camera with `--use-file-for-fake-video-capture=FILE.y4m` (it loops the file).
// Frames are drawn in pure JS straight into the Y/U/V planes; no image or video packages.
import { mkdirSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface Rgb {
  r: number
  g: number
  b: number
}

export const WHITE: Rgb = { r: 255, g: 255, b: 255 }
export const BLACK: Rgb = { r: 0, g: 0, b: 0 }

interface Yuv {
  y: number
  u: number
  v: number
}

const clampByte = (n: number) => Math.max(0, Math.min(255, Math.round(n)))

/** BT.601 limited range (what Chromium assumes for I420 camera frames). */
export function rgbToYuv({ r, g, b }: Rgb): Yuv {
  return {
    y: clampByte(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
    u: clampByte(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
    v: clampByte(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255),
  }
}

// 5x7 glyphs, rows top to bottom. Enough for plates written in Latin letters and digits
// ("A·12345"), frame numbers and labels. Unknown characters draw as a hollow box.
const GLYPH_ROWS: Record<string, string> = {
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11100 10010 10001 10001 10001 10010 11100',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 10001 01010 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '·': '00000 00000 00000 01100 01100 00000 00000',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
}
const UNKNOWN_GLYPH = '11111 10001 10001 10001 10001 10001 11111'
export const GLYPH_WIDTH = 5
export const GLYPH_HEIGHT = 7

function glyph(ch: string): boolean[][] {
  return (GLYPH_ROWS[ch.toUpperCase()] ?? UNKNOWN_GLYPH).split(' ').map((row) => [...row].map((c) => c === '1'))
}

/** One 4:2:0 frame. Width and height must be even. */
export class YuvFrame {
  readonly y: Uint8Array
  readonly u: Uint8Array
  readonly v: Uint8Array
  readonly chromaWidth: number
  readonly chromaHeight: number

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width % 2 || height % 2) {
      throw new Error(`y4m frame size must be positive and even, got ${width}x${height}`)
    }
    this.chromaWidth = width / 2
    this.chromaHeight = height / 2
    this.y = new Uint8Array(width * height)
    this.u = new Uint8Array(this.chromaWidth * this.chromaHeight)
    this.v = new Uint8Array(this.chromaWidth * this.chromaHeight)
  }

  fill(color: Rgb): void {
    const { y, u, v } = rgbToYuv(color)
    this.y.fill(y)
    this.u.fill(u)
    this.v.fill(v)
  }

  /** Fills a rectangle (clipped to the frame). Chroma follows the luma pixel at each 2x2 block's top-left. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x))
    const y0 = Math.max(0, Math.round(y))
    const x1 = Math.min(this.width, Math.round(x + w))
    const y1 = Math.min(this.height, Math.round(y + h))
    if (x1 <= x0 || y1 <= y0) return
    const c = rgbToYuv(color)
    for (let row = y0; row < y1; row++) this.y.fill(c.y, row * this.width + x0, row * this.width + x1)
    const cx0 = Math.ceil(x0 / 2)
    const cx1 = Math.ceil(x1 / 2)
    for (let cy = Math.ceil(y0 / 2); cy * 2 < y1; cy++) {
      this.u.fill(c.u, cy * this.chromaWidth + cx0, cy * this.chromaWidth + cx1)
      this.v.fill(c.v, cy * this.chromaWidth + cx0, cy * this.chromaWidth + cx1)
    }
  }

  /** Draws text with the built-in 5x7 font, each font pixel `scale` frame pixels wide; returns the width drawn. */
  drawText(x: number, y: number, text: string, opts: { scale?: number; color?: Rgb; background?: Rgb } = {}): number {
    const scale = opts.scale ?? 2
    const color = opts.color ?? WHITE
    const advance = (GLYPH_WIDTH + 1) * scale
    const chars = [...text]
    if (opts.background) {
      this.fillRect(x - scale, y - scale, chars.length * advance + scale, (GLYPH_HEIGHT + 2) * scale, opts.background)
    }
    chars.forEach((ch, i) => {
      glyph(ch).forEach((row, gy) =>
        row.forEach((on, gx) => {
          if (on) this.fillRect(x + i * advance + gx * scale, y + gy * scale, scale, scale, color)
        }),
      )
    })
    return chars.length * advance
  }

  /** Luma at a pixel (for tests). */
  lumaAt(x: number, y: number): number {
    return this.y[y * this.width + x] ?? 0
  }
}

/**
 * Where the frame counter sits: a strip of `bits` cells along the bottom edge, most significant
 * bit first, white for 1 and black for 0. A receiver samples each cell's centre to read the frame index.
 */
export function counterLayout(width: number, height: number, bits = 8) {
  const cellWidth = Math.floor(width / bits / 2) * 2
  const cellHeight = Math.max(8, Math.floor(height / 10 / 2) * 2)
  const top = height - cellHeight
  return {
    bits,
    cellWidth,
    cellHeight,
    top,
    cells: Array.from({ length: bits }, (_, i) => ({
      x: i * cellWidth,
      y: top,
      centerX: i * cellWidth + cellWidth / 2,
      centerY: top + cellHeight / 2,
    })),
  }
}

export function drawCounter(frame: YuvFrame, index: number, bits = 8): void {
  const layout = counterLayout(frame.width, frame.height, bits)
  layout.cells.forEach((cell, i) => {
    const on = (index >> (bits - 1 - i)) & 1
    frame.fillRect(cell.x, cell.y, layout.cellWidth, layout.cellHeight, on ? WHITE : BLACK)
  })
}

const BARS: Rgb[] = [
  { r: 192, g: 192, b: 192 },
  { r: 192, g: 192, b: 0 },
  { r: 0, g: 192, b: 192 },
  { r: 0, g: 192, b: 0 },
  { r: 192, g: 0, b: 192 },
  { r: 192, g: 0, b: 0 },
  { r: 0, g: 0, b: 192 },
  { r: 64, g: 64, b: 64 },
]

/**
 * The default picture: colour bars scrolling sideways, a square bouncing across, the frame number
 * as text in the top-left corner, and the binary frame counter along the bottom (see counterLayout).
 */
export function testPattern(frame: YuvFrame, index: number, frames: number): void {
  const { width, height } = frame
  const barWidth = Math.ceil(width / BARS.length)
  const shift = (index * 4) % width
  for (let i = -1; i < BARS.length; i++) {
    const color = BARS[(i + BARS.length) % BARS.length] ?? BLACK
    frame.fillRect(i * barWidth + shift, 0, barWidth, height, color)
    frame.fillRect(i * barWidth + shift - width, 0, barWidth, height, color)
  }
  const size = Math.floor(Math.min(width, height) / 5 / 2) * 2
  const span = width - size
  const phase = frames > 1 ? index / (frames - 1) : 0
  const x = Math.round((phase <= 0.5 ? phase * 2 : 2 - phase * 2) * span)
  frame.fillRect(x, Math.floor(height / 2 - size / 2), size, size, WHITE)
  frame.drawText(6, 6, `F${String(index).padStart(3, '0')}`, { scale: 2, color: WHITE, background: BLACK })
  drawCounter(frame, index)
}

export interface Y4mOptions {
  width?: number
  height?: number
  fps?: number
  frames?: number
  /** Draws frame `index` (0-based) of `frames`; the frame starts black. Defaults to testPattern. */
  draw?: (frame: YuvFrame, index: number, frames: number) => void
}

export interface Y4mInfo {
  file: string
  width: number
  height: number
  fps: number
  frames: number
  bytes: number
}

export function y4mHeader(width: number, height: number, fps: number): string {
  return `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`
}

/** Writes a Y4M file (defaults: 320x240, 10 fps, 30 frames, test pattern: about 3.5 MB). */
export async function writeY4m(file: string, opts: Y4mOptions = {}): Promise<Y4mInfo> {
  const { width = 320, height = 240, fps = 10, frames = 30, draw = testPattern } = opts
  if (!Number.isInteger(fps) || fps <= 0) throw new Error(`y4m fps must be a positive integer, got ${fps}`)
  if (!Number.isInteger(frames) || frames <= 0) throw new Error(`y4m frames must be a positive integer, got ${frames}`)
  const frame = new YuvFrame(width, height)
  mkdirSync(dirname(file), { recursive: true })
  const fh = await open(file, 'w')
  let bytes = 0
  const write = async (data: Uint8Array) => {
    await fh.write(data)
    bytes += data.length
  }
  try {
    await write(Buffer.from(y4mHeader(width, height, fps), 'ascii'))
    const frameTag = Buffer.from('FRAME\n', 'ascii')
    for (let i = 0; i < frames; i++) {
      frame.fill(BLACK)
      draw(frame, i, frames)
      await write(frameTag)
      await write(frame.y)
      await write(frame.u)
      await write(frame.v)
    }
  } finally {
    await fh.close()
  }
  return { file, width, height, fps, frames, bytes }
}

/** Parses a Y4M file written by writeY4m (4:2:0 only, no frame parameters); for tests. */
export function readY4m(data: Buffer): { width: number; height: number; fps: number; colorspace: string; frames: YuvFrame[] } {
  const headerEnd = data.indexOf(0x0a)
  if (headerEnd < 0) throw new Error('y4m: no header line')
  const [magic, ...tags] = data.subarray(0, headerEnd).toString('ascii').split(' ')
  if (magic !== 'YUV4MPEG2') throw new Error(`y4m: bad magic ${magic}`)
  const tag = (c: string) => tags.find((t) => t.startsWith(c))?.slice(1)
  const width = Number(tag('W'))
  const height = Number(tag('H'))
  const [num, den] = (tag('F') ?? '0:1').split(':').map(Number)
  const fps = (num ?? 0) / (den || 1)
  const colorspace = tag('C') ?? '420jpeg'
  if (!colorspace.startsWith('420')) throw new Error(`y4m: unsupported colorspace ${colorspace}`)
  const frames: YuvFrame[] = []
  let pos = headerEnd + 1
  while (pos < data.length) {
    const lineEnd = data.indexOf(0x0a, pos)
    if (lineEnd < 0 || data.subarray(pos, pos + 5).toString('ascii') !== 'FRAME') throw new Error(`y4m: bad frame header at byte ${pos}`)
    pos = lineEnd + 1
    const f = new YuvFrame(width, height)
    for (const plane of [f.y, f.u, f.v]) {
      if (pos + plane.length > data.length) throw new Error('y4m: truncated frame')
      plane.set(data.subarray(pos, pos + plane.length))
      pos += plane.length
    }
    frames.push(f)
  }
  return { width, height, fps, colorspace, frames }
}
