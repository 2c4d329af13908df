// Demo mode: an embedded SMS gateway (it prints each message, links included) and the three
// insurers' claim endpoints, for every one of them the configuration leaves empty. A production
// box (demo: false) must name them all.
import { ConfigError, type Config } from '../../firmware-config/config.ts'
import { startDemoInsurer } from '../claims/demo-insurer.ts'
import { ONE_TAP_INSURERS, type OneTapInsurer } from '../claims/insurers.ts'
import { startDemoSmsGateway } from '../notifications/demo-sms-gateway.ts'

export async function withOutsideServices(config: Config, closers: Array<() => Promise<void>>): Promise<Config> {
  const insurers = Object.keys(ONE_TAP_INSURERS) as OneTapInsurer[]
  const missing = [...(config.sms.url ? [] : ['/sms/url']), ...insurers.filter((k) => !config.insurers[k]).map((k) => `/insurers/${k}`)]
  if (missing.length === 0) return config
  if (!config.demo) throw new ConfigError(missing.map((p) => `${p}: required when demo is false`))
  const out = { ...config, sms: { ...config.sms }, insurers: { ...config.insurers } }
  if (!out.sms.url) {
    const sms = await startDemoSmsGateway({ onDeliver: (to, text) => console.log(`[demo SMS → ${to}] ${text}`) })
    closers.push(() => sms.close())
    out.sms.url = sms.url
  }
  for (const k of insurers.filter((x) => !out.insurers[x])) {
    const insurer = await startDemoInsurer(k)
    closers.push(() => insurer.close())
    out.insurers[k] = insurer.url
  }
  return out
}
