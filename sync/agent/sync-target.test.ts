import t from 'tap'
import { DEFAULT_CONFIG } from '../../firmware-config/config.ts'
import { syncTarget } from './sync-target.ts'

const config = (url: string) => ({ district: DEFAULT_CONFIG.district, platform: { url, heartbeatSeconds: 15 } })
const enrolled = { boxId: 'box-jj-01', districtId: 'jinjiang', platformUrl: 'https://platform.example:8090' }

t.test('an enrolled box syncs under its enrolled id to its enrolled platform', async (t) => {
  t.same(syncTarget(enrolled, config('http://other:1'), { KUAICHU_BOX_ID: 'old-id' }), enrolled)
})

t.test('not enrolled: the configured platform, KUAICHU_BOX_ID or else the district id', async (t) => {
  t.same(syncTarget(null, config('http://p:8090'), { KUAICHU_BOX_ID: 'box-7' }), { boxId: 'box-7', districtId: 'jinjiang', platformUrl: 'http://p:8090' })
  t.same(syncTarget(null, config('http://p:8090'), {}), { boxId: 'jinjiang', districtId: 'jinjiang', platformUrl: 'http://p:8090' })
})

t.test('no platform anywhere: null, the agent has nothing to do', async (t) => {
  t.equal(syncTarget(null, config(''), {}).platformUrl, null)
})
