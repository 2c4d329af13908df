import t from 'tap'
import { CASE_EVENTS, CASE_STATES, caseMetrics, transition, type CaseEvent } from './state-machine.ts'

t.test('every allowed transition reaches its target', async (t) => {
  for (const [event, rule] of Object.entries(CASE_EVENTS)) {
    for (const from of rule.from) {
      t.same(transition(from, event as CaseEvent), { ok: true, to: rule.to }, `${from} --${event}--> ${rule.to}`)
    }
  }
})

t.test('every transition not in the table is refused with a code', async (t) => {
  let refused = 0
  for (const [event, rule] of Object.entries(CASE_EVENTS)) {
    for (const from of CASE_STATES) {
      if ((rule.from as readonly string[]).includes(from)) continue
      const r = transition(from, event as CaseEvent)
      t.equal(r.ok, false, `${from} --${event}--> refused`)
      if (!r.ok) t.equal(r.code, 'TRANSITION_NOT_ALLOWED')
      refused++
    }
  }
  t.ok(refused > 100, `checked ${refused} refused transitions`)
})

t.test('terminal states have no way out', async (t) => {
  for (const s of ['closed', 'handed_over', 'cancelled'] as const) {
    for (const event of Object.keys(CASE_EVENTS) as CaseEvent[]) t.equal(transition(s, event).ok, false)
  }
})

t.test('metrics measure from the report', async (t) => {
  t.same(
    caseMetrics({
      reportedAt: '2026-11-26T01:00:00.000Z',
      answeredAt: '2026-11-26T01:00:45.000Z',
      partiesReleasedAt: '2026-11-26T01:03:00.000Z',
      finishedAt: null,
    }),
    { answerSeconds: 45, untilPartiesMayLeaveSeconds: 180, totalHandlingSeconds: null },
  )
})
