// Whole cases through the real HTTP API, on a real SQLite file, against the demo registry over HTTP.
import t from 'tap'
import { DEMO_RECORDS } from '../registry/demo-registry.ts'
import { addParty, answeredCase, citizenReport, collectedCase, officer, startTestBox } from '../test-support/test-box.ts'

t.test('an eligible case from report to close', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId, caseNo } = await citizenReport(box, { plate: '川A·12345' })
  t.match(caseNo, /^JINJIANG-20261126-0001$/)

  let r = await citizen.get(`/api/citizen/cases/${caseId}`)
  t.equal(r.body.state, 'reported')
  r = await citizen.post(`/api/citizen/cases/${caseId}/join`)
  t.equal(r.body.state, 'queued')
  t.equal(r.body.queuePosition, 1)

  const seat = await officer(box, 'seat01')
  r = await seat.get('/api/queue')
  t.equal(r.body.waiting.length, 1)
  t.equal(r.body.waiting[0].id, caseId)
  t.equal(r.body.waiting[0].reportedPlate, '川A12345', 'plate normalised')

  box.clock.now = new Date(box.clock.now.getTime() + 40_000)
  r = await seat.post(`/api/cases/${caseId}/accept`)
  t.equal(r.status, 200)
  t.equal(r.body.state, 'in_call')
  t.equal(r.body.metrics.answerSeconds, 40)

  await addParty(seat, caseId, DEMO_RECORDS.validCar, '13800138000')
  r = await addParty(seat, caseId, DEMO_RECORDS.validNewEnergy, '13900139000')
  t.same(r.body.parties.map((p: any) => p.label), ['甲方', '乙方'])
  const [a, b] = r.body.parties.map((p: any) => p.id)

  box.clock.now = new Date(box.clock.now.getTime() + 120_000)
  r = await seat.post(`/api/cases/${caseId}/evidence-complete`)
  t.equal(r.body.state, 'evidence_collected')
  t.equal(r.body.metrics.untilPartiesMayLeaveSeconds, 160)
  r = await citizen.get(`/api/citizen/cases/${caseId}`)
  t.equal(r.body.partiesMayLeave, true)

  r = await seat.post(`/api/cases/${caseId}/verify`)
  t.equal(r.status, 200)
  t.equal(r.body.state, 'verified')
  for (const p of r.body.parties) {
    t.equal(p.licenceStatus, 'valid', `${p.label} licence`)
    t.equal(p.vehicle.registrationStatus, 'valid')
    t.equal(p.vehicle.insuranceStatus, 'valid')
  }
  t.equal(r.body.parties[0].vehicle.insurer, '中国人保')

  r = await seat.post(`/api/cases/${caseId}/eligibility`)
  t.equal(r.body.state, 'eligible')
  t.equal(r.body.eligibility.eligible, true)
  t.same(r.body.eligibility.reasons, [])

  r = await seat.post(`/api/cases/${caseId}/determination`, {
    weather: '晴',
    accidentType: '追尾碰撞',
    impactPoints: '甲车前部与乙车尾部',
    facts: '甲车在同车道行驶中未与前车保持安全距离，追尾乙车。',
    parties: [
      { partyId: a, liability: '全部', violation: '在同车道行驶中，不按规定与前车保持必要的安全距离的', clause: '《道路交通安全法》第四十三条' },
      { partyId: b, liability: '无' },
    ],
  })
  t.equal(r.status, 201)
  t.equal(r.body.state, 'determined')
  t.equal(r.body.determination.parties.length, 2)

  box.clock.now = new Date(box.clock.now.getTime() + 180_000)
  r = await seat.post(`/api/cases/${caseId}/serve`)
  t.equal(r.body.state, 'served')
  t.equal(r.body.metrics.totalHandlingSeconds, 340)

  r = await seat.post(`/api/cases/${caseId}/close`)
  t.equal(r.status, 403, 'a seat officer may not close')
  t.equal(r.body.code, 'FORBIDDEN')
  const sup = await officer(box, 'supervisor01')
  r = await sup.post(`/api/cases/${caseId}/close`)
  t.equal(r.body.state, 'closed')

  r = await citizen.get(`/api/citizen/cases/${caseId}`)
  t.same(
    r.body.timeline.map((e: any) => e.action),
    ['case.reported', 'case.enqueue', 'case.answer', 'case.complete_evidence', 'case.verify', 'case.assess_eligible', 'case.determine', 'case.serve', 'case.close'],
  )
  t.notOk(JSON.stringify(r.body).includes(DEMO_RECORDS.validNewEnergy.licenceNumber), 'citizen view holds no party data')

  r = await sup.get('/api/audit/verify')
  t.equal(r.body.ok, true)
  r = await sup.get(`/api/cases/${caseId}/audit`)
  t.ok(r.body.length >= 11, 'every step audited')
})

t.test('an ineligible case is dispatched and handed over', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId, seat } = await collectedCase(box, DEMO_RECORDS.validCar, DEMO_RECORDS.uninsured)
  let r = await seat.post(`/api/cases/${caseId}/verify`)
  t.equal(r.body.parties[1].vehicle.insuranceStatus, 'not_found')

  r = await seat.post(`/api/cases/${caseId}/eligibility`)
  t.equal(r.body.state, 'ineligible')
  t.equal(r.body.eligibility.eligible, false)
  t.ok(r.body.eligibility.reasons.some((x: any) => x.code === 'INSURANCE_MISSING' && x.party === '乙方'))
  t.ok(r.body.eligibility.reasons.every((x: any) => /[\u4e00-\u9fff]/.test(x.text)), 'reasons in zh-CN')

  r = await seat.post(`/api/cases/${caseId}/determination`, {
    weather: '晴', accidentType: '追尾碰撞', impactPoints: '前部', facts: '事实',
    parties: r.body.parties.map((p: any) => ({ partyId: p.id, liability: '同等' })),
  })
  t.equal(r.status, 409)
  t.equal(r.body.code, 'TRANSITION_NOT_ALLOWED', 'no determination for an ineligible case')

  r = await seat.post(`/api/cases/${caseId}/dispatch`, { note: '乙车未投保交强险，请现场处理' })
  t.equal(r.status, 201)
  t.equal(r.body.state, 'dispatched')
  t.equal(r.body.dispatch.status, 'pending')
  t.ok(r.body.dispatch.reasons.some((x: any) => x.code === 'INSURANCE_MISSING'))

  const field = await officer(box, 'field01')
  r = await field.get('/api/dispatches')
  t.equal(r.body.length, 1)
  const dispatchId = r.body[0].id
  t.equal(r.body[0].lat, 30.6574)
  for (const status of ['assigned', 'en_route', 'on_scene']) {
    r = await field.patch(`/api/dispatches/${dispatchId}`, { status })
    t.equal(r.body.status, status)
  }
  r = await field.patch(`/api/dispatches/${dispatchId}`, { status: 'en_route' })
  t.equal(r.body.code, 'DISPATCH_STATUS_BACKWARDS')
  r = await field.patch(`/api/dispatches/${dispatchId}`, { status: 'handed_over', note: '已现场处理' })
  t.equal(r.body.status, 'handed_over')

  r = await citizen.get(`/api/citizen/cases/${caseId}`)
  t.equal(r.body.state, 'handed_over')
  t.equal(r.body.stateText, '已移交现场民警处理')
})

t.test('an injury seen during the call makes the case ineligible before any check', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { caseId, seat } = await answeredCase(box)
  await seat.patch(`/api/cases/${caseId}/facts`, { injuryOrDeath: true })
  const r = await seat.post(`/api/cases/${caseId}/eligibility`)
  t.equal(r.body.state, 'ineligible')
  t.ok(r.body.eligibility.reasons.some((x: any) => x.code === 'INJURY_OR_DEATH'))
})

t.test('resume after a dropped call returns to the same case', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { citizen, caseId, seat } = await answeredCase(box)
  await addParty(seat, caseId, DEMO_RECORDS.validCar, '13800138000')
  let r = await citizen.post(`/api/citizen/cases/${caseId}/join`)
  t.equal(r.body.caseId, caseId)
  t.equal(r.body.state, 'in_call', 'the case keeps its progress')
  t.equal(r.body.callStatus, 'waiting')
  r = await seat.get('/api/queue')
  t.same(r.body.mine.map((c: any) => [c.id, c.callStatus]), [[caseId, 'waiting']], 'the officer sees the citizen waiting to reconnect')
  r = await seat.get(`/api/cases/${caseId}`)
  t.equal(r.body.parties.length, 1, 'nothing entered before the drop is lost')
})

t.test('an unreachable registry gives unverified, never valid; attestation is flagged', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { caseId, seat } = await collectedCase(box)
  box.registry.setFailMode('error500')
  let r = await seat.post(`/api/cases/${caseId}/verify`)
  t.equal(r.status, 200)
  for (const p of r.body.parties) {
    t.equal(p.licenceStatus, 'unverified')
    t.equal(p.vehicle.insuranceStatus, 'unverified')
    t.equal(p.vehicle.registrationStatus, 'unverified')
  }
  r = await seat.post(`/api/cases/${caseId}/eligibility`)
  t.equal(r.body.state, 'ineligible', 'unverified without attestation is not eligible')
  t.ok(r.body.eligibility.reasons.some((x: any) => x.code === 'LICENCE_UNVERIFIED'))
})

t.test('attested unverified checks pass eligibility with flags for a later check', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const { caseId, seat } = await collectedCase(box)
  box.registry.setFailMode('timeout')
  let r = await seat.post(`/api/cases/${caseId}/verify`)
  const ids = r.body.parties.map((p: any) => p.id)
  box.registry.setFailMode('none')
  r = await seat.post(`/api/cases/${caseId}/parties/${ids[0]}/attest`, { checks: ['licence'], note: '已当面核对证件' })
  t.equal(r.status, 200)
  for (const id of ids) {
    r = await seat.post(`/api/cases/${caseId}/parties/${id}/attest`, { checks: ['licence', 'registration', 'insurance'].filter((c) => c !== 'licence' || id !== ids[0]), note: '已当面核对纸质证件及保单' })
    t.equal(r.status, 200)
  }
  r = await seat.post(`/api/cases/${caseId}/eligibility`)
  t.equal(r.body.state, 'eligible')
  t.ok(r.body.eligibility.flags.length >= 6, 'each attested check is flagged for a later check')
})
