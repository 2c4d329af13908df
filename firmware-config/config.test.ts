import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config.ts'

const file = (content: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'kuaichu-config-')), 'box.json')
  writeFileSync(p, content)
  return p
}

t.same(loadConfig({}), DEFAULT_CONFIG, 'the embedded default is valid')

t.test('layers: defaults < file < environment', async (t) => {
  const p = file(JSON.stringify({ district: { id: 'wuhou', name: '武侯区' }, http: { port: 9000 } }))
  const c = loadConfig({ KUAICHU_CONFIG: p, KUAICHU_PORT: '9100' })
  t.equal(c.district.id, 'wuhou')
  t.equal(c.district.issuingUnit, DEFAULT_CONFIG.district.issuingUnit, 'unset keys keep their default')
  t.equal(c.http.port, 9100)
  t.equal(c.http.host, DEFAULT_CONFIG.http.host)
})

t.test('errors name the bad key and why', async (t) => {
  const bad = (content: unknown, env: Record<string, string> = {}) => {
    try {
      loadConfig({ KUAICHU_CONFIG: file(typeof content === 'string' ? content : JSON.stringify(content)), ...env })
    } catch (e) {
      t.ok(e instanceof ConfigError)
      return (e as ConfigError).problems.join('\n')
    }
    return 'no error'
  }
  t.match(bad({ service: { start: '7am' } }), /\/service\/start/)
  t.match(bad({ http: { port: 70000 } }), /\/http\/port/)
  t.match(bad({ district: { id: 'Jin Jiang' } }), /\/district\/id/)
  t.match(bad({}, { KUAICHU_PORT: 'eighty' }), /\/http\/port/)
  t.match(bad('{ not json'), /not valid JSON/)
  t.match(bad('[1,2]'), /must hold a JSON object/)
  t.match(bad({ servise: { start: '07:00' } }), /servise/)
  t.match(bad({ demo: false, registry: { url: 'http://registry' } }), /\/tls\/certFile/, 'a production box names its certificate')
  t.match(bad({ tls: { redirectPort: -1 } }), /\/tls\/redirectPort/)
})

t.test('TLS: on by default (demo CA), off by environment for plain-HTTP tools', async (t) => {
  t.equal(loadConfig({}).tls.enabled, true)
  t.equal(loadConfig({ KUAICHU_TLS: 'off' }).tls.enabled, false)
  const p = file(JSON.stringify({
    demo: false,
    registry: { url: 'http://registry' },
    sms: { url: 'http://sms' },
    insurers: { PICC: 'http://picc', CPIC: 'http://cpic', PINGAN: 'http://pingan' },
    tls: { certFile: '/etc/kuaichu/box.crt', keyFile: '/etc/kuaichu/box.key' },
  }))
  t.equal(loadConfig({ KUAICHU_CONFIG: p }).tls.certFile, '/etc/kuaichu/box.crt')
})

t.test('layers: defaults < district file < local file < environment, errors name the layer', async (t) => {
  const district = file(JSON.stringify({
    district: { id: 'wuhou', name: '武侯区', issuingUnit: '成都市公安局交通管理局武侯区分局' },
    service: { start: '08:00' },
    http: { port: 9000 },
    configVersion: 'wuhou-7',
  }))
  const local = file(JSON.stringify({ http: { port: 9001 }, media: { announcedIp: '203.0.113.7' } }))
  const c = loadConfig({ KUAICHU_DISTRICT_CONFIG: district, KUAICHU_CONFIG: local })
  t.equal(c.district.id, 'wuhou', 'from the district file')
  t.equal(c.service.start, '08:00', 'from the district file')
  t.equal(c.service.end, DEFAULT_CONFIG.service.end, 'from the defaults')
  t.equal(c.http.port, 9001, 'the local file beats the district file')
  t.equal(c.media.announcedIp, '203.0.113.7')
  t.equal(c.configVersion, 'wuhou-7')
  t.equal(loadConfig({ KUAICHU_DISTRICT_CONFIG: district, KUAICHU_CONFIG: local, KUAICHU_PORT: '9002' }).http.port, 9002, 'the environment beats both')

  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env)
      return 'no error'
    } catch (e) {
      t.ok(e instanceof ConfigError)
      return (e as ConfigError).problems.join('\n')
    }
  }
  const badDistrict = file(JSON.stringify({ media: { rtcMinPort: 80 } }))
  t.match(problems({ KUAICHU_DISTRICT_CONFIG: badDistrict }), new RegExp(`/media/rtcMinPort: .*\\(set in district file ${badDistrict}\\)`))
  t.match(problems({ KUAICHU_DISTRICT_CONFIG: file(JSON.stringify({ district: { id: 'gotham' } })) }), /\/district\/id: "gotham" is not one of the 23 districts/)
  t.match(problems({ KUAICHU_CONFIG: file(JSON.stringify({ service: { start: '19:00', end: '07:00' } })) }), /\/service\/end: must be later/)
  t.match(problems({ KUAICHU_CONFIG: file(JSON.stringify({ demo: false, registry: { url: 'http://r' } })) }), /\/sms\/url: required when demo is false/)
  t.match(problems({ KUAICHU_DISTRICT_CONFIG: '/nonexistent/district.json' }), /\/nonexistent\/district.json: cannot be read \(ENOENT\)/)
  t.match(problems({ KUAICHU_CONFIG: local, KUAICHU_PORT: '-1' }), /\/http\/port: .*\(set in environment\)/)
})
