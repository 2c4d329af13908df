// The violation/clause table: shipped data served to officers, corrected by a supervisor, kept
// across a restart of the app on the same data dir, and refused when broken.
import t from 'tap'
import { officer, startTestBox } from '../test-support/test-box.ts'

t.test('a supervisor corrects the violation table', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const seat = await officer(box, 'seat01')
  const sup = await officer(box, 'supervisor01')
  let r = await seat.get('/api/violations')
  t.equal(r.status, 200)
  const table = r.body
  const rearEnd = table.entries.find((e: any) => e.id === 'rear-end')
  t.equal(rearEnd.clause, '《道路交通安全法》第四十三条', 'the shipped table')

  r = await seat.put('/api/violations', table)
  t.equal(r.body.code, 'FORBIDDEN', 'seat officers read only')

  const corrected = { ...table, entries: table.entries.map((e: any) => (e.id === 'rear-end' ? { ...e, clause: '《道路交通安全法》第四十三条第（一）项' } : e)) }
  r = await sup.put('/api/violations', corrected)
  t.equal(r.status, 200)
  r = await seat.get('/api/violations')
  t.equal(r.body.entries.find((e: any) => e.id === 'rear-end').clause, '《道路交通安全法》第四十三条第（一）项', 'the correction is served')
  const audit = box.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'violations.updated'").get() as { n: number }
  t.equal(audit.n, 1, 'audited')

  r = await sup.put('/api/violations', { ...corrected, entries: [...corrected.entries, corrected.entries[0]] })
  t.equal(r.body.code, 'VALIDATION_FAILED', 'duplicate ids refused')
  r = await sup.put('/api/violations', { note: '', entries: [{ id: 'x', situation: 's', violation: '', clause: 'c' }] })
  t.equal(r.body.code, 'VALIDATION_FAILED', 'empty wording refused')
  r = await seat.get('/api/violations')
  t.equal(r.body.entries.length, table.entries.length, 'a refused table changes nothing')
})
