// Errors of the OCR pipeline. Callers match on `code` (stable); `message` is for people and logs.

export const OCR_ERROR_CODES = {
  MODEL_MANIFEST_INVALID: 'the models manifest does not match its schema',
  MODEL_FILE_MISSING: 'a model file named by the manifest cannot be read',
  MODEL_HASH_MISMATCH: 'a model file does not have the sha256 recorded in the manifest; refused',
  MODEL_SHAPE_MISMATCH: 'a model’s inputs/outputs differ from the manifest',
  MODEL_CLASS_COUNT_MISMATCH: 'the recognition model’s class count is not 1 + dictionary + 1',
  MODEL_LOAD_FAILED: 'onnxruntime could not create a session',
  IMAGE_EMPTY: 'the image is empty (0 bytes or 0 pixels)',
  IMAGE_UNSUPPORTED: 'the bytes are not an image format we can decode',
  IMAGE_TRUNCATED: 'the image file is truncated or corrupt',
  IMAGE_TOO_LARGE: 'the image has more pixels than allowed',
  IMAGE_TOO_SMALL: 'the image is too small to hold readable text',
  IMAGE_BLANK: 'the image is uniform (black, covered camera or blank frame)',
  OCR_ENGINE_CLOSED: 'the OCR engine has been closed',
  OCR_WORKER_FAILED: 'an OCR worker thread failed while handling the request',
} as const

export type OcrErrorCode = keyof typeof OCR_ERROR_CODES

export class OcrError extends Error {
  override readonly name = 'OcrError'
  readonly code: OcrErrorCode
  constructor(code: OcrErrorCode, message: string = OCR_ERROR_CODES[code], options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

export function isOcrErrorCode(code: unknown): code is OcrErrorCode {
  return typeof code === 'string' && Object.hasOwn(OCR_ERROR_CODES, code)
}

/** Plain form for crossing a worker boundary. */
export interface SerialisedOcrError {
  code: OcrErrorCode
  message: string
}

export function serialiseError(err: unknown): SerialisedOcrError {
  if (err instanceof OcrError) return { code: err.code, message: err.message }
  return { code: 'OCR_WORKER_FAILED', message: err instanceof Error ? err.message : String(err) }
}
