// Request and response pieces shared by several route plugins (TypeBox, also feeds OpenAPI).
import { Type } from '@sinclair/typebox'

export const Uuid = Type.String({ format: 'uuid' })
export const CaseParams = Type.Object({ caseId: Uuid })
export const Phone = Type.String({ pattern: '^1[3-9][0-9]{9}$', description: 'mainland mobile number' })
export const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })
export const ShortText = (maxLength = 200) => Type.String({ minLength: 1, maxLength })

export const ErrorReply = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
})

export const Ok = Type.Object({ ok: Type.Literal(true) })
