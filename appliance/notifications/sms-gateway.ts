// The SMS gateway adapter: POST {url}/v1/sms {to, text} with an Idempotency-Key header; the gateway
// delivers each key once and answers a repeated key with the first delivery's messageId.
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { postJson, type PostResult } from '../deliveries/post-json.ts'

export const SmsRequest = Type.Object({
  to: Type.String({ pattern: '^1[3-9][0-9]{9}$' }),
  text: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false })

export const SmsReply = Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 100 }) })

export type SmsResult = { ok: true; messageId: string } | Extract<PostResult, { ok: false }>

export interface SmsGateway {
  send(msg: { to: string; text: string; idempotencyKey: string }): Promise<SmsResult>
}

export function createSmsGateway(baseUrl: string, timeoutMs: number): SmsGateway {
  return {
    async send({ to, text, idempotencyKey }) {
      const r = await postJson(`${baseUrl}/v1/sms`, { to, text }, { idempotencyKey, timeoutMs })
      if (!r.ok) return r
      return Value.Check(SmsReply, r.body)
        ? { ok: true, messageId: r.body.messageId }
        : { ok: false, permanent: false, error: 'gateway reply does not match the protocol' }
    },
  }
}
