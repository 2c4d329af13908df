import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { applyDistrictConfig } from '../config-apply.ts'
import { startTestPlatform } from './test-platform.ts'

t.test('rollout to all with acknowledgement; a box that fails rolls everything back', async (t) => {
  const platform = await startTestPlatform()
  t.teardown(() => platform.close())
  const a = await platform.enrol('jinjiang')
  const b = await platform.enrol('wuhou')
  // wuhou's box runs 8 media workers (its local file): a 10-port RTC range cannot serve them.
  const wuhouLocal = join(b.keyDir, 'local.json')
  writeFileSync(wuhouLocal, JSON.stringify({ district: { id: 'wuhou', name: '武侯区', issuingUnit: '武侯' }, media: { workers: 8 } }))
  b.state.status.versions.config = 'default'
  const bDistrictFile = join(b.keyDir, 'district.json')
  const realApply = (districtFile: string, local?: string) => (d: Parameters<typeof applyDistrictConfig>[0]) =>
    applyDistrictConfig(d, { districtFile, env: local ? { KUAICHU_CONFIG: local } : {}, restart: async () => {}, healthy: async () => true })
  const c = await platform.enrol('chenghua', { apply: realApply(join(a.keyDir, 'district-c.json')) })
  const b2 = await platform.enrol('wuhou', { apply: realApply(bDistrictFile, wuhouLocal) })

  t.equal((await platform.admin.post('/api/fleet/rollouts', { target: 'all', document: { service: { start: '7am' } } })).body.code, 'FLEET_CONFIG_INVALID', 'the platform checks what it can')
  const bad = await platform.admin.post('/api/fleet/rollouts', { target: 'all', document: { district: { id: 'wuhou' } } })
  t.match(bad.body.details.problems, [/\/district: set on each box/])

  // 1. A good rollout to all: every box acknowledges, the rollout completes.
  const first = await platform.admin.post('/api/fleet/rollouts', { target: 'all', document: { service: { start: '08:00', end: '20:00', timeZone: 'Asia/Shanghai' } } })
  t.equal(first.status, 201)
  t.equal(first.body.boxes.length, 4)
  t.equal((await platform.admin.post('/api/fleet/rollouts', { target: 'all', document: {} })).body.code, 'FLEET_ROLLOUT_IN_PROGRESS', 'one rollout at a time')
  const v1 = first.body.version as string
  for (const box of [a, b, c]) t.same(await box.tick(), { applied: v1 })
  t.equal((await platform.admin.get(`/api/fleet/rollouts/${first.body.id}`)).body.status, 'in_progress', 'waits for every box')
  t.same(await b2.tick(), { applied: v1 })
  const done = (await platform.admin.get(`/api/fleet/rollouts/${first.body.id}`)).body
  t.equal(done.status, 'completed')
  t.same(done.boxes.map((x: any) => x.status), ['applied', 'applied', 'applied', 'applied'])
  t.same(JSON.parse(readFileSync(bDistrictFile, 'utf8')).service.start, '08:00', 'the district file on the box holds the new configuration')
  t.same(await a.tick(), {}, 'nothing more to apply')

  // 2. A rollout one box cannot apply: it keeps its file, the platform rolls back every box.
  const second = await platform.admin.post('/api/fleet/rollouts', { target: 'all', document: { media: { rtcMinPort: 40000, rtcMaxPort: 40009 } } })
  t.equal(second.status, 201)
  const v2 = second.body.version as string
  t.same(await a.tick(), { applied: v2 }, 'jinjiang applies it first')
  const before = readFileSync(bDistrictFile, 'utf8')
  t.same(await b2.tick(), { failed: v2 }, 'the 8-worker box refuses it')
  t.equal(readFileSync(bDistrictFile, 'utf8'), before, 'and keeps its previous district file')
  const rolled = (await platform.admin.get(`/api/fleet/rollouts/${second.body.id}`)).body
  t.equal(rolled.status, 'rolled_back')
  t.match(rolled.reason, /\/media\/rtcMaxPort/)
  t.same(Object.fromEntries(rolled.boxes.map((x: any) => [x.boxId, x.status])), {
    [a.enrolled.boxId]: 'reverted', [b.enrolled.boxId]: 'reverted', [c.enrolled.boxId]: 'reverted', [b2.enrolled.boxId]: 'failed',
  })
  t.same(await a.tick(), { applied: v1 }, 'the box that had applied it gets the previous configuration back')
  t.same(await c.tick(), {}, 'a box that never applied it has nothing to do')
  t.same(await b2.tick(), {}, 'the failed box already runs the previous one')

  // 3. One box only.
  const single = await platform.admin.post('/api/fleet/rollouts', { target: c.enrolled.boxId, document: { citizen: { tokenHoursTtl: 1 } } })
  t.equal(single.body.code, 'FLEET_CONFIG_INVALID', 'a misspelt key is named')
  t.match(single.body.details.problems.join(), /tokenHoursTtl/)
  const one = await platform.admin.post('/api/fleet/rollouts', { target: c.enrolled.boxId, document: { citizen: { tokenTtlHours: 48 } } })
  t.same(one.body.boxes.map((x: any) => x.boxId), [c.enrolled.boxId])
  t.same(await a.tick(), {}, 'other boxes are not touched')
  t.same(await c.tick(), { applied: one.body.version })
  t.equal((await platform.admin.get(`/api/fleet/rollouts/${one.body.id}`)).body.status, 'completed')

  const page = await platform.admin.get('/admin')
  t.match(page.body, /已回滚/, 'the console lists the rolled-back rollout')
  t.match(page.body, /<svg[^>]*>.*id="district-chenghua" data-state="online"/s, 'the map colours districts by their boxes')
})

t.test('a box that does not come back healthy restores its previous file', async (t) => {
  const dir = t.testdir({ 'district.json': '{"configVersion":"old"}\n' })
  const file = join(dir, 'district.json')
  const restarts: string[] = []
  const result = await applyDistrictConfig({ version: 'new', document: { configVersion: 'new', service: { start: '06:00' } } }, {
    districtFile: file,
    env: {},
    restart: async () => void restarts.push(readFileSync(file, 'utf8')),
    healthy: async () => false,
  })
  t.equal(result.ok, false)
  t.match(!result.ok && result.error, /did not come back healthy/)
  t.equal(readFileSync(file, 'utf8'), '{"configVersion":"old"}\n', 'previous file back in place')
  t.equal(restarts.length, 2, 'restarted onto the new file, then back onto the old one')
  t.match(restarts[0], /06:00/)

  const fresh = join(dir, 'none.json')
  await applyDistrictConfig({ version: 'new', document: { configVersion: 'new' } }, { districtFile: fresh, env: {}, restart: async () => {}, healthy: async () => false })
  t.notOk(existsSync(fresh), 'no file before: none after')
})
