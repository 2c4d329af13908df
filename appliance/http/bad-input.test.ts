// Malformed bodies on every route with a body: a 4xx with a stable code, and nothing written.
import t from 'tap'
import { DEMO_RECORDS } from '../registry/demo-registry.ts'
import { addParty, answeredCase, Caller, citizenReport, collectedCase, officer, startTestBox, type TestBox } from '../test-support/test-box.ts'

/** Row counts of every table plus the audit head: equal snapshots mean nothing was written. */
function snapshot(box: TestBox) {
  const tables = box.db.$client.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`).all() as Array<{ name: string }>
  return Object.fromEntries(tables.map(({ name }) => [name, box.db.$client.prepare(`SELECT count(*) AS n FROM "${name}"`).get()]))
}

t.test('malformed, mistyped and oversized bodies', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId, seat } = await answeredCase(box)
  const withParty = await addParty(seat, caseId, DEMO_RECORDS.validCar, '13800138000')
  const partyId = withParty.body.parties[0].id
  const admin = await officer(box, 'admin01')
  const officerId = (await admin.get('/api/officers')).body[0].id
  const field = await officer(box, 'field01')
  const anon = new Caller(box.url)

  const routes: Array<[Caller, string, string]> = [
    [anon, 'POST', '/api/citizen/reports'],
    [anon, 'POST', '/api/auth/login'],
    [citizen, 'POST', `/api/citizen/cases/${caseId}/join`],
    [citizen, 'POST', `/api/citizen/cases/${caseId}/cancel`],
    [seat, 'POST', `/api/cases/${caseId}/accept`],
    [seat, 'PATCH', `/api/cases/${caseId}/facts`],
    [seat, 'POST', `/api/cases/${caseId}/parties`],
    [seat, 'PUT', `/api/cases/${caseId}/parties/${partyId}`],
    [seat, 'POST', `/api/cases/${caseId}/evidence-complete`],
    [seat, 'POST', `/api/cases/${caseId}/verify`],
    [seat, 'POST', `/api/cases/${caseId}/parties/${partyId}/attest`],
    [seat, 'POST', `/api/cases/${caseId}/eligibility`],
    [seat, 'POST', `/api/cases/${caseId}/dispatch`],
    [seat, 'POST', `/api/cases/${caseId}/determination`],
    [seat, 'POST', `/api/cases/${caseId}/serve`],
    [field, 'PATCH', `/api/dispatches/00000000-0000-4000-8000-000000000000`],
    [admin, 'POST', '/api/officers'],
    [admin, 'PATCH', `/api/officers/${officerId}`],
  ]
  // Routes whose body has a schema also refuse a well-formed JSON body of the wrong shape.
  const schemaRoutes = /reports|login|facts|parties|attest|dispatch|determination|officers/

  const before = snapshot(box)
  for (const [caller, method, path] of routes) {
    const name = `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')}`
    let r = await caller.call(method, path, undefined, '{"name": "张伟", ')
    t.same([r.status, r.body.code], [400, 'MALFORMED_JSON'], `${name}: truncated JSON`)
    r = await caller.call(method, path, undefined, 'name=张伟', 'text/plain')
    t.same([r.status, r.body.code], [415, 'UNSUPPORTED_MEDIA_TYPE'], `${name}: text/plain`)
    r = await caller.call(method, path, undefined, JSON.stringify({ x: 'y'.repeat(70 * 1024) }))
    t.same([r.status, r.body.code], [413, 'BODY_TOO_LARGE'], `${name}: oversized`)
    if (schemaRoutes.test(path)) {
      for (const bad of [[], 'text', 42, null, { unexpected: true }]) {
        r = await caller.call(method, path, bad)
        t.same([r.status, r.body.code], [400, 'VALIDATION_FAILED'], `${name}: ${JSON.stringify(bad)}`)
      }
    }
  }
  t.same(snapshot(box), before, 'nothing was written')
})

t.test('values that pass the schema but break a rule are refused whole', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { caseId, seat } = await answeredCase(box)
  const before = snapshot(box)
  const anon = new Caller(box.url)
  const cases: Array<[Caller, string, string, unknown, string]> = [
    [anon, 'POST', '/api/citizen/reports', { location: { lat: 30.6, lng: 104.1 }, phone: '13800138000', plate: '川I12345' }, 'INVALID_PLATE'],
    [anon, 'POST', '/api/citizen/reports', { location: { lat: 91, lng: 104.1 }, phone: '13800138000' }, 'VALIDATION_FAILED'],
    [anon, 'POST', '/api/citizen/reports', { location: { lat: 30.6, lng: 104.1 }, phone: '12345' }, 'VALIDATION_FAILED'],
    [seat, 'POST', `/api/cases/${caseId}/parties`, { name: '张伟', phone: '13800138000', idNumber: '510104198503120417' }, 'INVALID_ID_NUMBER'],
    [seat, 'POST', `/api/cases/${caseId}/parties`, { name: '张伟', phone: '13800138000', idNumber: '510104198502300416' }, 'INVALID_ID_NUMBER'],
    [seat, 'POST', `/api/cases/${caseId}/parties`, { name: '张伟', phone: '13800138000', vehicle: { vehicleType: 'small-car', plate: '川AO1234' } }, 'INVALID_PLATE'],
    [seat, 'POST', `/api/cases/${caseId}/parties`, { name: '张伟', phone: '13800138000', vehicle: { vehicleType: 'spaceship' } }, 'VALIDATION_FAILED'],
    [seat, 'POST', `/api/cases/${caseId}/parties`, { name: '张伟', phone: '13800138000', licenceClasses: ['Z9'] }, 'VALIDATION_FAILED'],
    [seat, 'GET', '/api/cases/not-a-uuid', undefined, 'VALIDATION_FAILED'],
  ]
  for (const [caller, method, path, body, code] of cases) {
    const r = await caller.call(method, path, body)
    t.equal(r.body.code, code, `${method} ${path} ${JSON.stringify(body)}`)
    t.ok(r.status >= 400 && r.status < 500)
  }
  t.same(snapshot(box), before, 'nothing was written')
})

t.test('determination rules: every party once, a consistent liability split', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { caseId, seat } = await collectedCase(box)
  await seat.post(`/api/cases/${caseId}/verify`)
  const v = await seat.post(`/api/cases/${caseId}/eligibility`)
  t.equal(v.body.state, 'eligible')
  const [a, b] = v.body.parties.map((p: any) => p.id)
  const base = { weather: '晴', accidentType: '同向刮擦', impactPoints: '左侧', facts: '变道刮擦' }
  const before = snapshot(box)
  let r = await seat.post(`/api/cases/${caseId}/determination`, { ...base, parties: [{ partyId: a, liability: '全部' }] })
  t.equal(r.body.code, 'DETERMINATION_PARTIES_MISMATCH')
  r = await seat.post(`/api/cases/${caseId}/determination`, { ...base, parties: [{ partyId: a, liability: '全部' }, { partyId: a, liability: '无' }] })
  t.equal(r.body.code, 'DETERMINATION_PARTIES_MISMATCH')
  r = await seat.post(`/api/cases/${caseId}/determination`, { ...base, parties: [{ partyId: a, liability: '全部' }, { partyId: b, liability: '次要' }] })
  t.equal(r.body.code, 'LIABILITY_INCONSISTENT')
  t.same(snapshot(box), before, 'nothing was written')
  r = await seat.post(`/api/cases/${caseId}/determination`, { ...base, parties: [{ partyId: a, liability: '主要' }, { partyId: b, liability: '次要' }] })
  t.equal(r.status, 201)
})

t.test('refused transitions over HTTP leave the case as it was', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  const seat = await officer(box, 'seat01')
  const sup = await officer(box, 'supervisor01')
  const before = snapshot(box)
  // Still 'reported': nothing but joining or cancelling is allowed.
  for (const path of ['accept', 'evidence-complete', 'verify', 'eligibility', 'serve', 'reopen']) {
    const r = await sup.post(`/api/cases/${caseId}/${path}`)
    t.same([r.status, r.body.code], [409, 'TRANSITION_NOT_ALLOWED'], path)
  }
  t.equal((await sup.post(`/api/cases/${caseId}/close`)).body.code, 'TRANSITION_NOT_ALLOWED')
  t.equal((await sup.post(`/api/cases/${caseId}/dispatch`, {})).body.code, 'TRANSITION_NOT_ALLOWED')
  t.same(snapshot(box), before)
  await citizen.post(`/api/citizen/cases/${caseId}/cancel`)
  const r = await seat.post(`/api/cases/${caseId}/accept`)
  t.equal(r.body.code, 'TRANSITION_NOT_ALLOWED', 'a withdrawn case cannot be answered')
})
