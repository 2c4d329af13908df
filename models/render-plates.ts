// Test support: renders synthetic plates of every kind (GA 36 colours and layouts, single and double
// row) with @napi-rs/canvas (devDependency) and Noto Sans CJK from Debian's fonts-noto-cjk. Not
// imported by the runtime pipeline.
import { existsSync } from 'node:fs'
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas'

export const NOTO_CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'
const FAMILY = 'Noto Sans CJK SC'
let registered = false

export function ensureFont(): string {
  if (!registered) {
    if (!existsSync(NOTO_CJK)) throw new Error(`${NOTO_CJK} missing: run scripts/setup-system.sh (fonts-noto-cjk)`)
    GlobalFonts.registerFromPath(NOTO_CJK)
    registered = true
  }
  return FAMILY
}

export type PlateStyle = 'blue' | 'yellow' | 'green' | 'yellow-green' | 'white' | 'black'

interface Look {
  fg: string
  border: string
  fill: (ctx: SKRSContext2D, x: number, y: number, w: number, h: number) => string | CanvasGradient
}

const solid = (c: string): Look['fill'] => () => c
const LOOKS: Record<PlateStyle, Look> = {
  blue: { fg: '#ffffff', border: '#ffffff', fill: solid('#0b3c9c') },
  yellow: { fg: '#111111', border: '#111111', fill: solid('#f2c000') },
  white: { fg: '#111111', border: '#111111', fill: solid('#f5f5f5') },
  black: { fg: '#ffffff', border: '#ffffff', fill: solid('#141414') },
  green: {
    fg: '#111111',
    border: '#1a1a1a',
    fill: (ctx, _x, y, _w, h) => {
      const g = ctx.createLinearGradient(0, y, 0, y + h)
      g.addColorStop(0, '#f4fbf4')
      g.addColorStop(1, '#3cb371')
      return g as unknown as CanvasGradient
    },
  },
  'yellow-green': {
    fg: '#111111',
    border: '#1a1a1a',
    fill: (ctx, x, _y, w) => {
      const g = ctx.createLinearGradient(x, 0, x + w, 0)
      g.addColorStop(0, '#f2c000')
      g.addColorStop(0.3, '#f2c000')
      g.addColorStop(0.32, '#3cb371')
      g.addColorStop(1, '#3cb371')
      return g as unknown as CanvasGradient
    },
  },
}

/** Plate size in millimetres (GA 36): single row 440×140 (new energy 480×140), double row 440×220. */
export function plateSize(text: string, doubleRow = false): { w: number; h: number } {
  if (doubleRow) return { w: 440, h: 220 }
  return { w: Array.from(text).length === 8 ? 480 : 440, h: 140 }
}

/** Another face for the letters and digits (the glyph classifier's training plates; registered by the caller). */
export interface LatinFont {
  family: string
  weight?: 'normal' | 'bold'
}

function drawChar(ctx: SKRSContext2D, c: string, cx: number, cy: number, charW: number, charH: number, colour: string, latin?: LatinFont): void {
  const cjk = /[^\x00-\x7f]/.test(c)
  const size = Math.round(charH / (cjk ? 0.9 : 0.74))
  ctx.font = cjk || !latin ? `${size}px "${FAMILY}"` : `${latin.weight ?? 'normal'} ${size}px "${latin.family}"`
  ctx.fillStyle = colour
  const sx = Math.min(1, charW / ctx.measureText(c).width)
  ctx.save()
  ctx.translate(cx, cy)
  ctx.scale(sx, 1)
  ctx.fillText(c, 0, 0)
  ctx.restore()
}

/** Draws a plate at (x, y) with width w (height follows the real aspect). Police plates' 警 is red. */
export function drawPlate(ctx: SKRSContext2D, text: string, style: PlateStyle, x: number, y: number, w: number, doubleRow = false, latin?: LatinFont): void {
  ensureFont()
  const size = plateSize(text, doubleRow)
  const mm = w / size.w
  const h = size.h * mm
  const look = LOOKS[style]
  const r = h * 0.08
  ctx.save()
  ctx.beginPath()
  ctx.roundRect(x, y, w, h, r)
  ctx.fillStyle = look.fill(ctx, x, y, w, h) as string
  ctx.fill()
  ctx.lineWidth = Math.max(1, 4 * mm)
  ctx.strokeStyle = look.border
  ctx.beginPath()
  ctx.roundRect(x + 6 * mm, y + 6 * mm, w - 12 * mm, h - 12 * mm, r * 0.7)
  ctx.stroke()
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'center'
  const chars = Array.from(text)
  const colourOf = (c: string) => (c === '警' ? '#c00000' : look.fg)
  if (doubleRow) {
    // Top row: province and issuer, 60 mm high, centred; bottom row: the serial, 110 mm high.
    const [p = '', l = '', ...rest] = chars
    drawChar(ctx, p, x + w / 2 - 50 * mm, y + 45 * mm, 80 * mm, 60 * mm, colourOf(p), latin)
    drawChar(ctx, l, x + w / 2 + 50 * mm, y + 45 * mm, 80 * mm, 60 * mm, colourOf(l), latin)
    const charW = 65 * mm
    const gap = (w - 30 * mm - rest.length * charW) / Math.max(1, rest.length - 1)
    rest.forEach((c, i) => drawChar(ctx, c, x + 15 * mm + i * (charW + gap) + charW / 2, y + 145 * mm, charW, 110 * mm, colourOf(c), latin))
    ctx.restore()
    return
  }
  // GA 36 single row: narrow 90 mm-high characters, a wider gap with a dot after the second.
  const eight = chars.length === 8
  const charW = (eight ? 43 : 45) * mm
  const gap = (eight ? 9 : 12) * mm
  const margin = 15.5 * mm
  const dotGap = w - 2 * margin - chars.length * charW - (chars.length - 2) * gap
  let cx = x + margin
  chars.forEach((c, i) => {
    if (i === 2) {
      ctx.beginPath()
      ctx.arc(cx + dotGap / 2, y + h / 2, 5 * mm, 0, Math.PI * 2)
      ctx.fillStyle = look.fg
      ctx.fill()
      cx += dotGap
    } else if (i > 0) cx += gap
    drawChar(ctx, c, cx + charW / 2, y + h / 2, charW, 90 * mm, colourOf(c), latin)
    cx += charW
  })
  ctx.restore()
}

/** The style a plate of this text is usually made in (ordinary plates: blue). */
export function defaultStyle(text: string): PlateStyle {
  const chars = Array.from(text)
  const last = chars.at(-1) ?? ''
  if (chars.length === 8) return /[DF]$/.test(text) && /^\D\D\d{5}/.test(text) ? 'yellow-green' : 'green'
  if (last === '警') return 'white'
  if ('港澳领'.includes(last)) return 'black'
  if ('学挂'.includes(last)) return 'yellow'
  return 'blue'
}

/** A tight plate crop as PNG (about 440 px wide) on a grey margin. */
export function renderPlateCrop(text: string, style: PlateStyle = defaultStyle(text), width?: number, doubleRow = false): Buffer {
  const size = plateSize(text, doubleRow)
  const w = width ?? size.w
  const h = Math.round((w * size.h) / size.w)
  const canvas = createCanvas(w + 8, h + 8)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#cfcfcf'
  ctx.fillRect(0, 0, w + 8, h + 8)
  drawPlate(ctx, text, style, 4, 4, w, doubleRow)
  return canvas.toBuffer('image/png')
}

/** A 1280×720 "scene": road-grey gradient, a car body, the plate on its bumper. JPEG q90. */
export function renderPlateFrame(text: string, style: PlateStyle = defaultStyle(text), plateWidth = 260, doubleRow = false): Buffer {
  const canvas = createCanvas(1280, 720)
  const ctx = canvas.getContext('2d')
  const bg = ctx.createLinearGradient(0, 0, 0, 720)
  bg.addColorStop(0, '#9aa7b3')
  bg.addColorStop(1, '#4d4f52')
  ctx.fillStyle = bg
  ctx.fillRect(0, 0, 1280, 720)
  ctx.fillStyle = '#7b1f1f'
  ctx.beginPath()
  ctx.roundRect(330, 220, 620, 360, 40)
  ctx.fill()
  ctx.fillStyle = '#2b2b2b'
  ctx.fillRect(380, 260, 520, 120) // rear window
  drawPlate(ctx, text, style, 640 - plateWidth / 2, 450, plateWidth, doubleRow)
  return canvas.toBuffer('image/jpeg', 90)
}
