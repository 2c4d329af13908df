// The fleet agent's health probe against real boxes: plain HTTP, HTTPS with the box's own demo
// certificate pinned, and a box serving a certificate other than the configured one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Config } from '../firmware-config/config.ts'
import { ensureDemoCertificates } from '../appliance/tls/demo-certificates.ts'
import { startTestBox } from '../appliance/test-support/test-box.ts'
import { boxLocalUrl, fetchBoxHealth } from './box-health.ts'

const listeningOn = (config: Config, url: string): Config => ({ ...config, http: { host: '127.0.0.1', port: Number(new URL(url).port) } })

t.test('over HTTPS the probe answers only for the certificate the box is configured to serve', async (t) => {
  const box = await startTestBox({}, { tls: true })
  t.teardown(box.close)
  const config = listeningOn(box.config, box.url)
  t.equal(boxLocalUrl(config), box.url.replace(/\/$/, ''))
  const health = await fetchBoxHealth(config)
  t.equal(health?.configVersion, 'default', 'the box answers through the pinned certificate')

  const other = mkdtempSync(join(tmpdir(), 'kuaichu-other-cert-'))
  t.teardown(() => rmSync(other, { recursive: true, force: true }))
  await ensureDemoCertificates(other, ['127.0.0.1'])
  t.equal(await fetchBoxHealth({ ...config, dataDir: other }), null, 'a box serving another certificate is not believed')
  t.equal(await fetchBoxHealth({ ...config, dataDir: join(other, 'missing') }), null, 'no certificate yet: no answer')
})

t.test('over plain HTTP; nothing listening gives null', async (t) => {
  const box = await startTestBox()
  const config = listeningOn(box.config, box.url)
  try {
    t.equal((await fetchBoxHealth(config))?.configVersion, 'default')
  } finally {
    await box.close()
  }
  t.equal(await fetchBoxHealth(config), null)
})
