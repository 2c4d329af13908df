import t from 'tap'
import { liabilitySplitIsConsistent as ok } from './liability.ts'

t.equal(ok(['全部', '无']), true)
t.equal(ok(['无', '全部']), true)
t.equal(ok(['无', '无']), true)
t.equal(ok(['同等', '同等']), true)
t.equal(ok(['主要', '次要']), true)
t.equal(ok(['主要', '次要', '无']), true)
t.equal(ok(['全部']), true, 'single-vehicle accident')
t.equal(ok(['全部', '全部']), false)
t.equal(ok(['全部', '次要']), false)
t.equal(ok(['主要', '主要']), false)
t.equal(ok(['次要', '无']), false)
t.equal(ok(['同等', '无']), false)
t.equal(ok(['同等', '主要']), false)
