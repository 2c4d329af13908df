// Outside services: a production box must name them; a demo box starts embedded doubles for the missing ones.
import t from 'tap'
import { ConfigError, DEFAULT_CONFIG } from '../../firmware-config/config.ts'
import { withOutsideServices } from './outside-services.ts'

t.test('production needs every outside service named', async (t) => {
  const closers: Array<() => Promise<void>> = []
  const err = await withOutsideServices({ ...DEFAULT_CONFIG, demo: false }, closers).catch((e: unknown) => e)
  t.ok(err instanceof ConfigError)
  t.same((err as ConfigError).problems, [
    '/sms/url: required when demo is false',
    '/insurers/PICC: required when demo is false',
    '/insurers/CPIC: required when demo is false',
    '/insurers/PINGAN: required when demo is false',
  ])
  t.equal(closers.length, 0)
})

t.test('demo mode fills the missing ones with embedded doubles that answer', async (t) => {
  const closers: Array<() => Promise<void>> = []
  t.teardown(async () => { for (const c of closers) await c() })
  const config = await withOutsideServices({ ...DEFAULT_CONFIG, insurers: { ...DEFAULT_CONFIG.insurers, CPIC: 'http://insurer.example' } }, closers)
  t.equal(config.insurers.CPIC, 'http://insurer.example', 'a named service is kept')
  t.match(config.sms.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(closers.length, 3, 'SMS gateway, PICC and PINGAN started')
  const r = await fetch(`${config.insurers.PICC}/picc/claim/report`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: '{}' })
  t.equal(r.status, 400, 'the demo insurer validates what it gets')
})
