// The authorization matrix: each officer role against each route, citizen tokens against other
// cases, officers against another district. Every route in the OpenAPI document must be listed here.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { hashPassword } from '../auth/passwords.ts'
import { can, ROLES, type Permission } from '../auth/roles.ts'
import * as s from '../db/schema.ts'
import { Caller, citizenReport, officer, startTestBox } from '../test-support/test-box.ts'

const OFFICER_ROUTES: Array<[method: string, path: string, permission: Permission]> = [
  ['GET', '/api/auth/me', 'self.read'],
  ['GET', '/api/queue', 'queue.read'],
  ['GET', '/api/cases', 'case.read_all'],
  ['GET', '/api/cases/{caseId}', 'case.read'],
  ['GET', '/api/cases/{caseId}/audit', 'audit.read'],
  ['POST', '/api/cases/{caseId}/accept', 'case.accept'],
  ['PATCH', '/api/cases/{caseId}/facts', 'case.edit'],
  ['POST', '/api/cases/{caseId}/parties', 'case.edit'],
  ['PUT', '/api/cases/{caseId}/parties/{partyId}', 'case.edit'],
  ['POST', '/api/cases/{caseId}/evidence-complete', 'case.edit'],
  ['POST', '/api/cases/{caseId}/reopen', 'case.edit'],
  ['POST', '/api/cases/{caseId}/verify', 'case.verify'],
  ['POST', '/api/cases/{caseId}/parties/{partyId}/attest', 'case.verify'],
  ['POST', '/api/cases/{caseId}/eligibility', 'case.assess'],
  ['POST', '/api/cases/{caseId}/dispatch', 'case.dispatch'],
  ['POST', '/api/cases/{caseId}/determination', 'case.determine'],
  ['POST', '/api/cases/{caseId}/serve', 'case.serve'],
  ['POST', '/api/cases/{caseId}/close', 'case.close'],
  ['GET', '/api/cases/{caseId}/plate-readings', 'case.read'],
  ['POST', '/api/cases/{caseId}/evidence/{evidenceId}/plate', 'case.edit'],
  ['GET', '/api/cases/{caseId}/card-readings', 'case.read'],
  ['POST', '/api/cases/{caseId}/evidence/{evidenceId}/card', 'case.edit'],
  ['GET', '/api/dispatches', 'dispatch.read'],
  ['PATCH', '/api/dispatches/{dispatchId}', 'dispatch.update'],
  ['GET', '/api/audit/verify', 'audit.read'],
  ['GET', '/api/officers', 'officer.manage'],
  ['POST', '/api/officers', 'officer.manage'],
  ['PATCH', '/api/officers/{officerId}', 'officer.manage'],
  ['GET', '/api/cases/{caseId}/document.pdf', 'case.read'],
  ['GET', '/api/violations', 'case.determine'],
  ['PUT', '/api/violations', 'violations.edit'],
  ['GET', '/api/notifications', 'notification.read'],
  ['POST', '/api/notifications/{id}/retry', 'notification.retry'],
]
const CITIZEN_ROUTES: Array<[string, string]> = [
  ['GET', '/api/citizen/cases/{caseId}'],
  ['POST', '/api/citizen/cases/{caseId}/join'],
  ['POST', '/api/citizen/cases/{caseId}/cancel'],
  ['GET', '/api/citizen/cases/{caseId}/progress'],
  ['GET', '/api/citizen/cases/{caseId}/document.pdf'],
  ['POST', '/api/citizen/cases/{caseId}/claims'],
  ['POST', '/api/citizen/cases/{caseId}/review'],
]
const PUBLIC_ROUTES: Array<[string, string]> = [
  ['POST', '/api/citizen/reports'],
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/logout'],
  ['GET', '/api/verify/{documentId}'],
  ['POST', '/api/verify/{documentId}/pdf'],
]

const fill = (path: string, caseId: string) =>
  path.replace('{caseId}', caseId).replace(/\{(partyId|dispatchId|officerId|id|documentId|evidenceId)\}/, randomUUID())
const body = (method: string) => (method === 'GET' ? undefined : {})

t.test('the matrix covers every route of the API', async (t) => {
  const box = await startTestBox({}, { ocr: true })
  t.teardown(box.close)
  const doc = (await new Caller(box.url).get('/api/openapi.json')).body
  const documented = Object.entries(doc.paths as Record<string, object>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort()
  const listed = [...OFFICER_ROUTES, ...CITIZEN_ROUTES, ...PUBLIC_ROUTES].map(([m, p]) => `${m} ${p}`).sort()
  t.same(listed, documented)
})

t.test('each role against each officer route', async (t) => {
  const box = await startTestBox({}, { ocr: true })
  t.teardown(box.close)
  const { caseId } = await citizenReport(box)
  const anonymous = new Caller(box.url)
  const callers = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => {
      const username = Object.values(box.accounts).find((a) => a.role === role)!.username
      return [role, await officer(box, username)] as const
    })),
  )
  for (const [method, path, permission] of OFFICER_ROUTES) {
    const url = fill(path, caseId)
    const r = await anonymous.call(method, url, body(method))
    t.equal(r.body.code, 'AUTH_REQUIRED', `anonymous ${method} ${path}`)
    for (const role of ROLES) {
      const r = await callers[role]!.call(method, url, body(method))
      if (can(role, permission)) {
        t.notOk([401, 403].includes(r.status), `${role} may ${method} ${path} (got ${r.status} ${r.body?.code})`)
      } else {
        t.equal(r.status, 403, `${role} may not ${method} ${path}`)
        t.equal(r.body.code, 'FORBIDDEN')
      }
    }
  }
})

t.test('a citizen token opens only its own case', async (t) => {
  const box = await startTestBox({}, { ocr: true })
  t.teardown(box.close)
  const mine = await citizenReport(box)
  const other = await citizenReport(box, { phone: '13900139000' })
  const seat = await officer(box, 'seat01')
  for (const [method, path] of CITIZEN_ROUTES) {
    let r = await mine.citizen.call(method, path.replace('{caseId}', other.caseId), body(method))
    t.equal(r.status, 403, `${method} ${path} with another case's token`)
    t.equal(r.body.code, 'FORBIDDEN')
    r = await new Caller(box.url).call(method, path.replace('{caseId}', mine.caseId), body(method))
    t.equal(r.body.code, 'CITIZEN_TOKEN_INVALID', `${method} ${path} without a token`)
    const forged = new Caller(box.url)
    forged.bearer = 'x'.repeat(43)
    r = await forged.call(method, path.replace('{caseId}', mine.caseId), body(method))
    t.equal(r.body.code, 'CITIZEN_TOKEN_INVALID', `${method} ${path} with a made-up token`)
    r = await seat.call(method, path.replace('{caseId}', mine.caseId), body(method))
    t.equal(r.body.code, 'CITIZEN_TOKEN_INVALID', `${method} ${path} with an officer cookie`)
  }
  for (const [method, path] of OFFICER_ROUTES) {
    const r = await mine.citizen.call(method, fill(path, mine.caseId), body(method))
    t.equal(r.body.code, 'AUTH_REQUIRED', `citizen token on ${method} ${path}`)
  }
  t.equal((await other.citizen.get(`/api/citizen/cases/${other.caseId}`)).body.caseId, other.caseId)
})

t.test('an expired citizen link is refused', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  box.clock.now = new Date(box.clock.now.getTime() + (box.config.citizen.tokenTtlHours + 1) * 3600_000)
  const r = await citizen.get(`/api/citizen/cases/${caseId}`)
  t.equal(r.body.code, 'CITIZEN_TOKEN_INVALID')
})

t.test('an officer of another district cannot open or act on this district', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  const password = 'another-district-pw'
  const passwordHash = await hashPassword(password)
  for (const role of ['supervisor', 'field'] as const) {
    box.db.insert(s.officers).values({
      id: randomUUID(), username: `qy-${role}`, displayName: '外区民警', badgeNo: '510105999',
      districtId: 'qingyang', role, passwordHash,
    }).run()
  }
  const outsider = new Caller(box.url)
  t.equal((await outsider.post('/api/auth/login', { username: 'qy-supervisor', password })).status, 200)
  let r = await outsider.get(`/api/cases/${caseId}`)
  t.equal(r.body.code, 'CASE_NOT_FOUND')
  r = await outsider.post(`/api/cases/${caseId}/accept`)
  t.equal(r.body.code, 'CASE_NOT_FOUND')
  r = await outsider.get('/api/queue')
  t.same(r.body.waiting, [], 'the queue shows only its own district')
  r = await outsider.get('/api/cases')
  t.same(r.body, [])

  // A dispatch of this district is invisible to another district's field officer.
  const seat = await officer(box, 'seat01')
  await seat.post(`/api/cases/${caseId}/accept`)
  await seat.patch(`/api/cases/${caseId}/facts`, { injuryOrDeath: true })
  await seat.post(`/api/cases/${caseId}/eligibility`)
  const d = await seat.post(`/api/cases/${caseId}/dispatch`, {})
  const field = new Caller(box.url)
  await field.post('/api/auth/login', { username: 'qy-field', password })
  t.same((await field.get('/api/dispatches')).body, [])
  r = await field.patch(`/api/dispatches/${d.body.dispatch.id}`, { status: 'assigned' })
  t.equal(r.body.code, 'DISPATCH_NOT_FOUND')
})

t.test('a seat officer cannot take over or read a case another seat officer answered', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId } = await citizenReport(box)
  await citizen.post(`/api/citizen/cases/${caseId}/join`)
  const one = await officer(box, 'seat01')
  const two = await officer(box, 'seat02')
  t.equal((await one.post(`/api/cases/${caseId}/accept`)).status, 200)
  let r = await two.post(`/api/cases/${caseId}/accept`)
  t.equal(r.body.code, 'CASE_ASSIGNED_ELSEWHERE')
  r = await two.get(`/api/cases/${caseId}`)
  t.equal(r.body.code, 'CASE_ASSIGNED_ELSEWHERE')
  r = await two.patch(`/api/cases/${caseId}/facts`, { injuryOrDeath: true })
  t.equal(r.body.code, 'CASE_ASSIGNED_ELSEWHERE')
  const sup = await officer(box, 'supervisor01')
  r = await sup.patch(`/api/cases/${caseId}/facts`, { vehiclesMovable: false })
  t.equal(r.status, 200, 'a supervisor may step in')
})
