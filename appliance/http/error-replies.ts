// Turns every error into `{ code, message, details? }` with a stable code from the catalogue, once,
// at the edge. Shared by the box and the platform's fleet app.
import type { FastifyError, FastifyInstance } from 'fastify'
import { AppError, ERRORS } from '../errors.ts'

/** Fastify's own errors that map onto our catalogue; anything else unexpected is INTERNAL. */
const FASTIFY_CODES: Record<string, keyof typeof ERRORS> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
}

export function installErrorReplies(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let code: keyof typeof ERRORS
    let details: unknown
    if (err instanceof AppError) {
      code = err.code
      details = err.details
    } else if (err.validation) {
      code = 'VALIDATION_FAILED'
      details = err.validation.map((v) => ({ path: v.instancePath, message: v.message }))
    } else if (err.statusCode === 429) {
      code = 'RATE_LIMITED'
    } else if (err instanceof SyntaxError && err.statusCode === 400) {
      code = 'MALFORMED_JSON'
    } else {
      code = FASTIFY_CODES[err.code] ?? 'INTERNAL'
    }
    if (code === 'INTERNAL') req.log.error({ err }, 'unhandled error')
    reply.code(ERRORS[code].status).send({ code, message: ERRORS[code].message, ...(details !== undefined ? { details } : {}) })
  })
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send({ code: 'NOT_FOUND', message: ERRORS.NOT_FOUND.message })
  })
}
