// Test support: renders synthetic plates with @napi-rs/canvas (devDependency) and Noto Sans CJK
// from Debian's fonts-noto-cjk. Not imported by the runtime pipeline.
import { existsSync } from 'node:fs'
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas'

export const NOTO_CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'
const FAMILY = 'Noto Sans CJK SC'
let registered = false

function ensureFont(): void {
  if (registered) return
  if (!existsSync(NOTO_CJK)) throw new Error(`${NOTO_CJK} missing: run scripts/setup-system.sh (fonts-noto-cjk)`)
  GlobalFonts.registerFromPath(NOTO_CJK)
  registered = true
}

export type PlateStyle = 'blue' | 'green'

/** Draws a plate at (x, y) with width w; height follows the real aspect (440×140, green 480×140). */
function drawPlate(ctx: SKRSContext2D, text: string, style: PlateStyle, x: number, y: number, w: number): void {
  const h = Math.round((w * 140) / (style === 'green' ? 480 : 440))
  const r = h * 0.08
  ctx.save()
  ctx.beginPath()
  ctx.roundRect(x, y, w, h, r)
  if (style === 'blue') {
    ctx.fillStyle = '#0b3c9c'
  } else {
    const g = ctx.createLinearGradient(0, y, 0, y + h)
    g.addColorStop(0, '#f4fbf4')
    g.addColorStop(1, '#3cb371')
    ctx.fillStyle = g
  }
  ctx.fill()
  ctx.lineWidth = Math.max(1, h * 0.03)
  ctx.strokeStyle = style === 'blue' ? '#ffffff' : '#1a1a1a'
  ctx.beginPath()
  ctx.roundRect(x + h * 0.05, y + h * 0.05, w - h * 0.1, h - h * 0.1, r * 0.7)
  ctx.stroke()
  ctx.fillStyle = style === 'blue' ? '#ffffff' : '#111111'
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'center'
  // GA 36 layout in millimetres: narrow 90 mm-high characters, a wider gap with a dot after the second.
  const mm = w / (style === 'green' ? 480 : 440)
  const chars = Array.from(text)
  const charW = (style === 'green' ? 43 : 45) * mm
  const gap = (style === 'green' ? 9 : 12) * mm
  const margin = 15.5 * mm
  const dotGap = w - 2 * margin - chars.length * charW - (chars.length - 2) * gap
  let cx = x + margin
  chars.forEach((c, i) => {
    if (i === 2) {
      ctx.beginPath()
      ctx.arc(cx + dotGap / 2, y + h / 2, 5 * mm, 0, Math.PI * 2)
      ctx.fill()
      cx += dotGap
    } else if (i > 0) cx += gap
    const cjk = /[^\x00-\x7f]/.test(c)
    ctx.font = `${Math.round((90 * mm) / (cjk ? 0.9 : 0.74))}px "${FAMILY}"`
    const sx = Math.min(1, charW / ctx.measureText(c).width)
    ctx.save()
    ctx.translate(cx + charW / 2, y + h / 2)
    ctx.scale(sx, 1)
    ctx.fillText(c, 0, 0)
    ctx.restore()
    cx += charW
  })
  ctx.restore()
}

/** A tight plate crop as PNG (about 440×140). */
export function renderPlateCrop(text: string, style: PlateStyle, width = style === 'green' ? 480 : 440): Buffer {
  ensureFont()
  const h = Math.round((width * 140) / (style === 'green' ? 480 : 440))
  const canvas = createCanvas(width + 8, h + 8)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#cfcfcf'
  ctx.fillRect(0, 0, width + 8, h + 8)
  drawPlate(ctx, text, style, 4, 4, width)
  return canvas.toBuffer('image/png')
}

/** A 1280×720 "scene": road-grey gradient, a car body, the plate on its bumper. JPEG q90. */
export function renderPlateFrame(text: string, style: PlateStyle, plateWidth = 260): Buffer {
  ensureFont()
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
  drawPlate(ctx, text, style, 640 - plateWidth / 2, 450, plateWidth)
  return canvas.toBuffer('image/jpeg', 90)
}
