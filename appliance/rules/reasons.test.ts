import t from 'tap'
import { REASONS, REASON_CODES, makeReason } from './reasons.ts'

t.test('catalogue', async t => {
  t.same(Object.keys(REASONS).sort(), [...REASON_CODES].sort(), 'one text per code')
  t.equal(new Set(Object.values(REASONS)).size, REASON_CODES.length, 'texts are distinct')
  for (const code of REASON_CODES) t.match(REASONS[code], /\p{Script=Han}/u, `${code} has zh-CN text`)
})

t.test('makeReason', async t => {
  t.same(makeReason('INJURY_OR_DEATH'), { code: 'INJURY_OR_DEATH', text: REASONS.INJURY_OR_DEATH })
  t.same(makeReason('PLATE_MISSING', { party: '甲方' }), {
    code: 'PLATE_MISSING',
    text: REASONS.PLATE_MISSING,
    party: '甲方',
  })
  t.equal(makeReason('OUTSIDE_SERVICE_HOURS', { detail: '07:00–19:00' }).text, '不在视频快处服务时间内（07:00–19:00）')
})
