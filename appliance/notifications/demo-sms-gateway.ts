// The embedded SMS gateway of the demo box and the tests' double: speaks sms-gateway.ts's protocol.
import { startDemoEndpoint, type DemoFailMode } from '../deliveries/demo-endpoint.ts'
import type { Static } from '@sinclair/typebox'
import { SmsRequest } from './sms-gateway.ts'

export function startDemoSmsGateway(opts: { failMode?: DemoFailMode; hangMs?: number; onDeliver?: (to: string, text: string) => void } = {}) {
  return startDemoEndpoint({
    path: '/v1/sms',
    body: SmsRequest,
    accept: (_body, seq) => ({ messageId: `SMS${String(seq).padStart(8, '0')}` }),
    ...(opts.onDeliver ? { onDeliver: (d: { body: unknown }) => { const b = d.body as Static<typeof SmsRequest>; opts.onDeliver!(b.to, b.text) } } : {}),
    ...(opts.failMode ? { failMode: opts.failMode } : {}),
    ...(opts.hangMs ? { hangMs: opts.hangMs } : {}),
  })
}
