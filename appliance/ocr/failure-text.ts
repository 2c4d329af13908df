// What the officer reads when a still could not be read (zh-CN), by the OCR's stable error code.
const OCR_FAILURE_TEXT: Readonly<Record<string, string>> = {
  IMAGE_EMPTY: '照片为空，无法识别',
  IMAGE_UNSUPPORTED: '文件不是可识别的图片',
  IMAGE_TRUNCATED: '照片文件不完整或已损坏',
  IMAGE_TOO_LARGE: '照片像素过大，无法识别',
  IMAGE_TOO_SMALL: '照片太小，无法识别',
  IMAGE_BLANK: '画面空白（黑屏或镜头被遮挡）',
  MODEL_HASH_MISMATCH: '识别模型校验失败，请联系管理员',
  MODEL_FILE_MISSING: '识别模型缺失，请联系管理员',
  OCR_ENGINE_CLOSED: '识别服务已停止',
  OCR_WORKER_FAILED: '识别服务出错，请手工录入',
}

/** The officer's text for a reading's error code (null when it has none); an unknown code reads as a worker failure. */
export const ocrFailureText = (code: string | null): string | null =>
  code ? (OCR_FAILURE_TEXT[code] ?? OCR_FAILURE_TEXT.OCR_WORKER_FAILED!) : null
