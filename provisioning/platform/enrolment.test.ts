import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { enrolBox, PlatformError, sendSigned } from '../box-client.ts'
import { loadOrCreateNodeIdentity, PRIVATE_KEY_FILE } from '../node-identity.ts'
import { Client, startTestPlatform } from './test-platform.ts'

// A fresh directory each call (freshDir() is one directory per test).
const dirs: string[] = []
const freshDir = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'kuaichu-key-')))
  return dirs.at(-1)!
}
t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const refusal = async (p: Promise<unknown>) => {
  try {
    await p
    return 'accepted'
  } catch (e) {
    return e instanceof PlatformError ? e.code : String(e)
  }
}

t.test('enrolment, revocation and re-enrolment', async (t) => {
  const platform = await startTestPlatform()
  t.teardown(() => platform.close())
  const keyDir = freshDir()

  const anonymous = new Client(platform.url)
  const page = (await anonymous.get('/admin')).body as string
  t.match(page, /<button>登录<\/button>/, 'the console asks for a login first')
  t.notMatch(page, /id="boxes"/, 'and shows no fleet without one')
  t.equal((await anonymous.get('/api/fleet/boxes')).body.code, 'AUTH_REQUIRED')
  t.equal((await anonymous.post('/api/fleet/admin/login', { username: 'admin', password: 'wrong' })).body.code, 'AUTH_INVALID_CREDENTIALS')
  t.equal((await anonymous.post('/api/fleet/tokens', { districtId: 'wuhou', boxUrl: 'https://wuhou.box.test' })).body.code, 'AUTH_REQUIRED', 'only an admin issues tokens')
  t.equal((await platform.admin.post('/api/fleet/tokens', { districtId: 'gotham', boxUrl: 'https://x.test' })).body.code, 'FLEET_DISTRICT_UNKNOWN')

  const token = (await platform.admin.post('/api/fleet/tokens', { districtId: 'wuhou', boxUrl: 'https://wuhou.box.test' })).body.token as string
  t.equal(await refusal(enrolBox({ platformUrl: platform.url, token: 'x'.repeat(43), keyDir })), 'FLEET_TOKEN_INVALID', 'a made-up token is refused')

  // A box that signs the token with another key than the one it presents is refused.
  const thief = loadOrCreateNodeIdentity(freshDir())
  const honest = loadOrCreateNodeIdentity(keyDir)
  const forged = await anonymous.post('/api/fleet/enrol', { token, publicKeyPem: honest.publicKeyPem, proof: thief.sign(token) })
  t.equal(forged.body.code, 'FLEET_KEY_PROOF_INVALID')

  const box = await enrolBox({ platformUrl: platform.url, token, keyDir })
  t.equal(box.districtId, 'wuhou')
  t.match(box.boxId, /^wuhou-[0-9a-f]{8}$/)
  t.equal(statSync(join(keyDir, PRIVATE_KEY_FILE)).mode & 0o777, 0o600, 'the private key stays on the box, owner-only')
  t.equal(await refusal(enrolBox({ platformUrl: platform.url, token, keyDir: freshDir() })), 'FLEET_TOKEN_INVALID', 'the token works once')

  const identity = loadOrCreateNodeIdentity(keyDir)
  const heartbeat = (boxId = box.boxId, sentAt = platform.clock.now.toISOString()) => sendSigned(box, identity, '/api/fleet/heartbeat', {
    kind: 'heartbeat', boxId, sentAt,
    versions: { software: '0.1.0', models: 'm', config: 'default' },
    system: { cpuLoadPercent: 1, memoryUsedPercent: 1, diskUsedPercent: 1, temperatureC: null, load1: 0, uptimeSeconds: 1 },
    syncBacklog: null, callsInProgress: 0,
  })
  t.same(await heartbeat(), { desiredConfig: null }, 'an enrolled box is heard')
  t.equal(await refusal(heartbeat(box.boxId, new Date(platform.clock.now.getTime() - 10 * 60_000).toISOString())), 'FLEET_MESSAGE_STALE', 'an old message is not replayed')
  t.equal(await refusal(sendSigned({ ...box }, thief, '/api/fleet/heartbeat', {
    kind: 'heartbeat', boxId: box.boxId, sentAt: platform.clock.now.toISOString(),
    versions: { software: '0', models: 'm', config: 'default' },
    system: { cpuLoadPercent: 1, memoryUsedPercent: 1, diskUsedPercent: 1, temperatureC: null, load1: 0, uptimeSeconds: 1 },
    syncBacklog: null, callsInProgress: 0,
  })), 'FLEET_SIGNATURE_INVALID', 'another key cannot speak for the box')
  t.equal(await refusal(sendSigned({ ...box, boxId: 'chenghua-00000000' }, identity, '/api/fleet/heartbeat', { kind: 'config-ack', boxId: 'chenghua-00000000', sentAt: platform.clock.now.toISOString(), version: 'v', ok: true })), 'FLEET_BOX_UNKNOWN')

  t.equal((await anonymous.post(`/api/fleet/boxes/${box.boxId}/revoke`)).body.code, 'AUTH_REQUIRED', 'only an admin revokes')
  t.equal((await platform.admin.post(`/api/fleet/boxes/${box.boxId}/revoke`)).status, 200)
  t.equal(await refusal(heartbeat()), 'FLEET_BOX_REVOKED', 'a revoked box is refused on heartbeats')
  t.equal(await refusal(sendSigned(box, identity, '/api/fleet/config-ack', { kind: 'config-ack', boxId: box.boxId, sentAt: platform.clock.now.toISOString(), version: 'v', ok: true })), 'FLEET_BOX_REVOKED', '… and on acknowledgements')

  const again = (await platform.admin.post('/api/fleet/tokens', { districtId: 'wuhou', boxUrl: 'https://wuhou.box.test' })).body.token as string
  t.equal(await refusal(enrolBox({ platformUrl: platform.url, token: again, keyDir })), 'FLEET_KEY_ALREADY_ENROLLED', 'the revoked key cannot come back')
  const renewed = await enrolBox({ platformUrl: platform.url, token: again, keyDir, newKey: true })
  t.not(renewed.boxId, box.boxId, 're-enrolment with a new key is a new box')
  t.not(loadOrCreateNodeIdentity(keyDir).keyId, identity.keyId)

  const boxes = (await platform.admin.get('/api/fleet/boxes')).body.boxes as Array<{ boxId: string; status: string }>
  t.same(boxes.map((b) => [b.boxId, b.status]).sort(), [[box.boxId, 'revoked'], [renewed.boxId, 'active']].sort())
  t.notOk(JSON.stringify(boxes).includes('PRIVATE KEY'), 'no private key ever reaches the platform')
})

t.test('heartbeats: online, lag, versions, alerts, offline after 5 minutes', async (t) => {
  const platform = await startTestPlatform()
  t.teardown(() => platform.close())
  const box = await platform.enrol('chenghua')
  const view = async () => ((await platform.admin.get('/api/fleet/boxes')).body.boxes as any[]).find((b) => b.boxId === box.enrolled.boxId)

  t.same((await view()).health.alerts.map((a: any) => a.code), ['never_seen'], 'no heartbeat yet')
  box.state.status.system.diskUsedPercent = 91
  await box.tick()
  let v = await view()
  t.equal(v.health.online, true)
  t.equal(v.health.lagSeconds, 0)
  t.equal(v.lastHeartbeat.versions.models, 'ppocr-v4')
  t.equal(v.lastHeartbeat.callsInProgress, 1)
  t.same(v.health.alerts.map((a: any) => a.code), ['disk_full'], 'disk over 85%')

  platform.clock.now = new Date(platform.clock.now.getTime() + 2 * 60_000)
  v = await view()
  t.equal(v.health.online, false, 'missed heartbeats: offline (routing skips it)')
  t.equal(v.health.lagSeconds, 120)
  t.notOk(v.health.alerts.some((a: any) => a.code === 'offline'), 'no offline alert before 5 minutes')
  platform.clock.now = new Date(platform.clock.now.getTime() + 4 * 60_000)
  v = await view()
  t.ok(v.health.alerts.some((a: any) => a.code === 'offline'), 'offline over 5 minutes raises the alert')

  box.state.status.system.diskUsedPercent = 50
  await box.tick()
  v = await view()
  t.equal(v.health.online, true, 'back online with the next heartbeat')
  t.same(v.health.alerts, [])
})
