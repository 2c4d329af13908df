// Decoding and validation of untrusted image bytes (sharp). Every failure becomes an OcrError with
// a stable IMAGE_* code; nothing here throws anything else.
import sharp, { type OutputInfo } from 'sharp'
import { OcrError } from './errors.ts'

/** 8-bit RGB, row-major, 3 bytes a pixel. */
export interface RgbImage {
  data: Uint8Array
  width: number
  height: number
}

export const MAX_PIXELS = 40_000_000
export const MIN_SIDE = 8

export interface DecodeOptions {
  maxPixels?: number
}

function classify(err: unknown): OcrError {
  const message = err instanceof Error ? err.message : String(err)
  if (/unsupported image format|Input buffer is empty|bad seek|not a known file format/i.test(message)) {
    return new OcrError('IMAGE_UNSUPPORTED', `not a decodable image: ${message}`, { cause: err })
  }
  if (/pixel limit|exceeds/i.test(message)) {
    return new OcrError('IMAGE_TOO_LARGE', message, { cause: err })
  }
  return new OcrError('IMAGE_TRUNCATED', `the image is truncated or corrupt: ${message}`, { cause: err })
}

/** IMAGE_TOO_LARGE with the image's size when its header says it is over the limit. */
async function tooLarge(bytes: Uint8Array, maxPixels: number): Promise<OcrError | undefined> {
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined)
  const { width = 0, height = 0 } = meta ?? {}
  if (width * height <= maxPixels) return undefined
  return new OcrError('IMAGE_TOO_LARGE', `the image is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP, the limit is ${maxPixels / 1e6} MP`)
}

export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? MAX_PIXELS
  if (bytes.byteLength === 0) throw new OcrError('IMAGE_EMPTY', 'the image is empty (0 bytes)')
  // One sharp pass (a separate metadata read costs a thread-pool round trip per image); the pixel
  // limit is sharp's own, and only a refused image has its size read, for the message.
  let out: { data: Buffer; info: OutputInfo }
  try {
    out = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate() // EXIF orientation
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch (err) {
    throw await tooLarge(bytes, maxPixels).then((e) => e ?? classify(err))
  }
  const { width, height } = out.info
  if (width === 0 || height === 0) throw new OcrError('IMAGE_EMPTY', 'the image has no pixels')
  if (Math.min(width, height) < MIN_SIDE) {
    throw new OcrError('IMAGE_TOO_SMALL', `the image is ${width}×${height}, sides must be at least ${MIN_SIDE}px`)
  }
  if (out.info.channels !== 3) throw new OcrError('IMAGE_UNSUPPORTED', `decoded to ${out.info.channels} channels`)
  const image = { data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength), width: out.info.width, height: out.info.height }
  if (isBlank(image)) throw new OcrError('IMAGE_BLANK', 'the image is uniform (black frame, covered camera or blank)')
  return image
}

/** True when the image has (almost) no contrast: sampled luma range under 8 levels. */
export function isBlank(img: RgbImage): boolean {
  const { data, width, height } = img
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 40_000)))
  let lo = 255
  let hi = 0
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 3
      const l = (2 * (data[i] ?? 0) + 5 * (data[i + 1] ?? 0) + (data[i + 2] ?? 0)) >> 3
      if (l < lo) lo = l
      if (l > hi) hi = l
      if (hi - lo >= 8) return false
    }
  }
  return true
}

/** Resizes raw RGB with sharp (fill, no aspect preservation). */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (width === img.width && height === img.height) return img
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer()
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height }
}
