import t from 'tap'
import { toHalfWidth } from './text.ts'

t.test('toHalfWidth', async t => {
  t.equal(toHalfWidth('ＡＢＣ１２３ａｚ'), 'ABC123az')
  t.equal(toHalfWidth('川Ａ\u3000１'), '川A 1', 'ideographic space becomes a space, CJK kept')
  t.equal(toHalfWidth('－．！～'), '-.!~', 'range ends included')
  t.equal(toHalfWidth('plain'), 'plain')
  t.equal(toHalfWidth(''), '')
})
