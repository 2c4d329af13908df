// The pure pieces of the document: canonical JSON, document numbers, the review window, backoff.
import t from 'tap'
import { afterFailure, backoffMs } from '../deliveries/backoff.ts'
import { canonicalJson } from './canonical-json.ts'
import { chineseDateTime } from './document-content.ts'
import { documentNumber } from './document-number.ts'
import { reviewDeadline, reviewWindowOpen } from './review-window.ts'
import { loadViolationTable } from './violations.ts'

t.test('canonical JSON sorts keys at every level', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [{ d: 'x', c: null }] }), '{"a":[{"c":null,"d":"x"}],"b":1}')
  t.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }))
  t.throws(() => canonicalJson({ a: Number.NaN }))
})

t.test('document numbers', async (t) => {
  t.equal(documentNumber('锦江区', 2026, 12), '成公交锦江区简认字〔2026〕第00012号')
  t.throws(() => documentNumber('锦江区', 2026, 0))
})

t.test('review window: 3 days from the recorded service time', async (t) => {
  const served = '2026-11-26T02:00:00.000Z'
  const at = (h: number) => new Date(Date.parse(served) + h * 3600_000)
  t.equal(reviewDeadline(served), '2026-11-29T02:00:00.000Z')
  t.ok(reviewWindowOpen(served, at(71)), '2d23h open')
  t.ok(reviewWindowOpen(served, at(72)), 'the deadline itself open')
  t.notOk(reviewWindowOpen(served, new Date(at(72).getTime() + 1)), 'a millisecond later closed')
  t.notOk(reviewWindowOpen(served, at(73)), '3d1h closed')
  t.equal(chineseDateTime(served, 'Asia/Shanghai'), '2026年11月26日 10时00分')
})

t.test('backoff doubles up to the cap, then the message fails', async (t) => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 500 }
  t.same([1, 2, 3, 4, 5].map((n) => backoffMs(n, 100, 500, 0)), [100, 200, 400, 500, 500])
  t.equal(backoffMs(1, 100, 500, 1), 120, 'jitter up to 20%')
  const now = new Date('2026-11-26T00:00:00.000Z')
  t.same(afterFailure(1, false, policy, now, 0), { status: 'pending', nextAttemptAt: '2026-11-26T00:00:00.100Z' })
  t.same(afterFailure(4, false, policy, now, 0), { status: 'failed' })
  t.same(afterFailure(1, true, policy, now, 0), { status: 'failed' }, 'a permanent refusal fails at once')
})

t.test('the violation table ships valid', async (t) => {
  const table = loadViolationTable()
  t.ok(table.entries.length >= 20)
  t.ok(table.entries.some((e) => e.id === 'rear-end' && e.clause === '《道路交通安全法》第四十三条'))
})
