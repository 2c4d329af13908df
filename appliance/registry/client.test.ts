import t from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRegistryClient } from './client.ts'
import { DEMO_RECORDS, startDemoRegistry, type FailMode } from './demo-registry.ts'
import { SAMPLE_LICENCE } from './sample-records.ts'

/** A bare node:http server for responses the demo registry never produces. */
async function rawServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

t.test('against the demo registry', async (t) => {
  const registry = await startDemoRegistry({ port: 0, hangMs: 5_000 })
  t.teardown(() => registry.close())
  const client = createRegistryClient({ baseUrl: registry.url, timeoutMs: 300 })
  const car = DEMO_RECORDS.validCar

  t.test('found', async (t) => {
    const licence = await client.lookupLicence(car.licenceNumber)
    t.equal(licence.kind, 'found')
    if (licence.kind === 'found') {
      t.equal(licence.record.name, '张伟')
      t.same(licence.record.classes, ['C1'])
      t.equal(licence.record.status, 'normal')
    }
    const vehicle = await client.lookupVehicle(car.plate)
    t.equal(vehicle.kind, 'found')
    if (vehicle.kind === 'found') {
      t.equal(vehicle.record.plate, '川A12345')
      t.equal(vehicle.record.vehicleType, 'small-car')
    }
    const insurance = await client.lookupInsurance(car.plate)
    t.equal(insurance.kind, 'found')
    if (insurance.kind === 'found') {
      t.equal(insurance.record.insurer, '中国人保')
      t.equal(insurance.record.insurerCode, 'PICC')
    }
  })

  t.test('identifiers are normalised and URL-encoded', async (t) => {
    const nev = await client.lookupVehicle('川ad·12345')
    t.equal(nev.kind, 'found', 'new-energy plate with dot, lower case')
    const x = await client.lookupLicence(DEMO_RECORDS.expiredLicence.licenceNumber.toLowerCase())
    t.equal(x.kind, 'found', 'lower-case x check character')
    t.ok(
      registry.requests().includes('/v1/vehicles/川AD12345'),
      'server saw the decoded plate',
    )
  })

  t.test('not_found', async (t) => {
    t.same(await client.lookupLicence(DEMO_RECORDS.unknown.licenceNumber), { kind: 'not_found' })
    t.same(await client.lookupVehicle(DEMO_RECORDS.unknown.plate), { kind: 'not_found' })
    t.same(await client.lookupInsurance(DEMO_RECORDS.uninsured.plate), { kind: 'not_found' })
    t.same(await client.lookupVehicle('   '), { kind: 'not_found' }, 'blank → not_found without a request')
  })

  for (const mode of ['error500', 'timeout', 'garbage', 'malformed'] as const satisfies FailMode[]) {
    t.test(`failMode ${mode} → unreachable`, async (t) => {
      registry.setFailMode(mode)
      t.teardown(() => registry.setFailMode('none'))
      const results = await Promise.all([
        client.lookupLicence(car.licenceNumber),
        client.lookupVehicle(car.plate),
        client.lookupInsurance(car.plate),
        client.lookupLicence(DEMO_RECORDS.unknown.licenceNumber),
      ])
      for (const r of results) {
        t.equal(r.kind, 'unreachable')
        if (r.kind === 'unreachable') t.match(r.detail, /登记系统/)
      }
    })
  }

  t.test('timeout detail mentions the timeout and returns promptly', async (t) => {
    registry.setFailMode('timeout')
    t.teardown(() => registry.setFailMode('none'))
    const started = Date.now()
    const r = await client.lookupLicence(car.licenceNumber)
    t.ok(Date.now() - started < 2_000, 'bounded by timeoutMs')
    t.same(r, { kind: 'unreachable', detail: '登记系统响应超时（超过 300 毫秒）' })
  })

  t.test('back to normal after setFailMode(none)', async (t) => {
    registry.setFailMode('error500')
    t.equal((await client.lookupLicence(car.licenceNumber)).kind, 'unreachable')
    registry.setFailMode('none')
    t.equal((await client.lookupLicence(car.licenceNumber)).kind, 'found')
  })

  t.test('wrong base path → 404 without NOT_FOUND body → unreachable', async (t) => {
    const wrong = createRegistryClient({ baseUrl: `${registry.url}/api`, timeoutMs: 300 })
    const r = await wrong.lookupLicence(car.licenceNumber)
    t.equal(r.kind, 'unreachable')
  })
})

t.test('connection refused → unreachable', async (t) => {
  const registry = await startDemoRegistry()
  const url = registry.url
  await registry.close()
  const client = createRegistryClient({ baseUrl: url, timeoutMs: 1_000 })
  const r = await client.lookupVehicle('川A12345')
  t.same(r, { kind: 'unreachable', detail: '无法连接登记系统（连接被拒绝）' })
})

t.test('malformed or untrustworthy bodies → unreachable', async (t) => {
  const good = SAMPLE_LICENCE
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/v1/licences/100000000000000001': (res) => json(res, 200, { ...good, status: 'unknown-status' }),
    '/v1/licences/100000000000000002': (res) => json(res, 200, { ...good, validUntil: '长期' }),
    '/v1/licences/100000000000000003': (res) => json(res, 200, good), // different number than asked
    '/v1/licences/100000000000000004': (res) => json(res, 404, { message: 'Route not found' }),
    '/v1/licences/100000000000000005': (res) => json(res, 403, { code: 'FORBIDDEN' }),
    '/v1/licences/100000000000000006': (res) => json(res, 200, null),
    '/v1/licences/100000000000000007': (res) => json(res, 503, { code: 'MAINTENANCE' }),
    '/v1/licences/100000000000000008': (res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"number":') // headers and half a body, then stall
    },
    '/v1/licences/100000000000000009': (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('')
    },
  }
  const server = await rawServer((req, res) => {
    const handler = routes[req.url ?? '']
    if (handler) handler(res)
    else if (req.url === '/v1/licences/510104198503120416') json(res, 200, { ...good, secretField: 'x' })
    else json(res, 404, { code: 'NOT_FOUND' })
  })
  t.teardown(() => server.close())
  const client = createRegistryClient({ baseUrl: server.url, timeoutMs: 300 })

  for (const number of Object.keys(routes).map((p) => p.split('/').pop()!)) {
    const r = await client.lookupLicence(number)
    t.equal(r.kind, 'unreachable', `${number} → unreachable`)
  }

  const ok = await client.lookupLicence('510104198503120416')
  t.equal(ok.kind, 'found')
  if (ok.kind === 'found') t.notOk('secretField' in ok.record, 'unknown properties stripped')
  t.same(await client.lookupLicence('510104198503120417'), { kind: 'not_found' })
})

t.test('baseUrl with a path prefix', async (t) => {
  const server = await rawServer((req, res) => {
    if (req.url === '/registry/v1/vehicles/%E5%B7%9DA12345') json(res, 404, { code: 'NOT_FOUND' })
    else json(res, 500, {})
  })
  t.teardown(() => server.close())
  for (const baseUrl of [`${server.url}/registry`, `${server.url}/registry/`]) {
    const client = createRegistryClient({ baseUrl, timeoutMs: 500 })
    t.same(await client.lookupVehicle('川A12345'), { kind: 'not_found' }, baseUrl)
  }
})

t.test('rejects a non-positive timeout', async (t) => {
  t.throws(() => createRegistryClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 0 }), TypeError)
})
