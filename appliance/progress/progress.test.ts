// The progress page's API: the review window at its edges, one review per accident, the dispatch
// status of an ineligible case, and SMS failures visible to (and retried by) the supervisor.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { DEMO_RECORDS } from '../registry/demo-registry.ts'
import { servedCase, startOutsideDoubles } from '../test-support/served-case.ts'
import { collectedCase, officer, startTestBox } from '../test-support/test-box.ts'

const HOUR = 3600_000

t.test('review: 2 days 23 hours accepted, 3 days 1 hour refused with the rule quoted', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const a = await servedCase(box)
  const b = await servedCase(box)
  const servedAt = box.clock.now.getTime()

  box.clock.now = new Date(servedAt + 71 * HOUR)
  let r = await a.citizen.post(`/api/citizen/cases/${a.caseId}/review`, { reason: '对方突然变道，我方不应负全部责任' })
  t.equal(r.status, 201, '2d23h after service: accepted')
  r = await a.citizen.get(`/api/citizen/cases/${a.caseId}/progress`)
  t.ok(r.body.review.filed, 'shown as filed')
  t.ok(r.body.timeline.some((e: any) => e.action === 'review.received'))
  r = await a.citizen.post(`/api/citizen/cases/${a.caseId}/review`, { reason: '再次申请' })
  t.equal(r.status, 409)
  t.equal(r.body.code, 'REVIEW_ALREADY_FILED', 'one review per accident')

  box.clock.now = new Date(servedAt + 73 * HOUR)
  r = await b.citizen.get(`/api/citizen/cases/${b.caseId}/progress`)
  t.equal(r.body.review.open, false, 'the page says the window closed')
  r = await b.citizen.post(`/api/citizen/cases/${b.caseId}/review`, { reason: '不服' })
  t.equal(r.status, 422, '3d1h after service: refused')
  t.equal(r.body.code, 'REVIEW_WINDOW_CLOSED')
  t.match(r.body.details.rule, /第七十一条.*三日内提出书面复核申请/, 'the rule is quoted')
  t.equal(r.body.details.deadline, new Date(servedAt + 72 * HOUR).toISOString())

  r = await a.citizen.post(`/api/citizen/cases/${a.caseId}/review`, {})
  t.equal(r.body.code, 'VALIDATION_FAILED', 'a reason is required')
})

t.test('an ineligible case: the page says officers are coming and follows the dispatch', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId, seat } = await collectedCase(box, DEMO_RECORDS.validCar, DEMO_RECORDS.uninsured)
  await seat.post(`/api/cases/${caseId}/verify`)
  await seat.post(`/api/cases/${caseId}/eligibility`)
  const d = await seat.post(`/api/cases/${caseId}/dispatch`, { note: '乙车未投保交强险' })
  let r = await citizen.get(`/api/citizen/cases/${caseId}/progress`)
  t.equal(r.body.dispatch.statusText, '已通知辖区民警，等待出警')
  t.match(r.body.dispatch.text, /民警正在赶往现场/)
  t.equal(r.body.document, null)
  const field = await officer(box, 'field01')
  r = await field.patch(`/api/dispatches/${d.body.dispatch.id}`, { status: 'en_route' })
  t.equal(r.status, 200)
  r = await citizen.get(`/api/citizen/cases/${caseId}/progress`)
  t.equal(r.body.dispatch.status, 'en_route')
  t.equal(r.body.dispatch.statusText, '民警正在赶往现场')
  r = await citizen.post(`/api/citizen/cases/${caseId}/review`, { reason: 'x' })
  t.equal(r.body.code, 'CASE_NOT_SERVED')
})

t.test('SMS the gateway keeps refusing end up failed, visible to the supervisor, and can be retried', async (t) => {
  const doubles = await startOutsideDoubles({ smsFailMode: 'error500' })
  const box = await startTestBox({ ...doubles.config, outbox: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 40, pollMs: 20 } })
  t.teardown(async () => { await box.close(); await doubles.close() })
  const { caseId } = await servedCase(box)
  const sup = await officer(box, 'supervisor01')
  let failed: any[] = []
  for (let i = 0; i < 600 && failed.length < 3; i++) {
    failed = (await sup.get('/api/notifications?status=failed')).body
    await sleep(50)
  }
  t.equal(failed.length, 3, 'received + two served messages failed')
  t.ok(failed.every((n: any) => n.attempts === 3 && /HTTP 500/.test(n.lastError) && n.caseId === caseId))
  const seat = await officer(box, 'seat01')
  t.equal((await seat.get('/api/notifications')).body.code, 'FORBIDDEN', 'seat officers do not manage the outbox')

  doubles.sms.failMode = 'none'
  const r = await sup.post(`/api/notifications/${failed[0].id}/retry`)
  t.equal(r.status, 200)
  for (let i = 0; i < 600 && doubles.sms.deliveries.length < 1; i++) await sleep(50)
  t.equal(doubles.sms.deliveries.length, 1, 'the retried message went out')
  t.equal((await sup.get('/api/notifications?status=failed')).body.length, 2)
  const audit = (await sup.get(`/api/cases/${caseId}/audit`)).body
  t.ok(audit.some((e: any) => e.action === 'notification.retried'), 'the retry is audited')
})
