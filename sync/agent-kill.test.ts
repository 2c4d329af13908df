// The agent SIGKILLed at random points many times while cases keep coming: nothing lost, nothing
// duplicated (uploads cut in the middle resume).
import { join } from 'node:path'
import t from 'tap'
import { prng } from '../appliance/test-support/prng.ts'
import { compareBoxWithPlatform } from './test-support/compare.ts'
import { routeBoxVia, startAgent, startSyncRig, waitDrained } from './test-support/sync-rig.ts'
import { startThrottleProxy } from './test-support/throttle-proxy.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
// Each restart pays a Node start-up; generous on a loaded machine.
t.setTimeout(900_000)

t.test('the agent SIGKILLed at random points many times: nothing lost, nothing duplicated', async (t) => {
  const r = await startSyncRig(t)
  const random = prng(6)
  // Stills and a recording per case; the recordings are big enough to be cut mid-upload.
  for (let i = 0; i < 20; i++) r.box.addCase([5_000, 8_000, i % 5 === 0 ? 1_500_000 : 60_000])
  const proxy = await startThrottleProxy(r.port, 4_000_000)
  t.teardown(proxy.close)
  routeBoxVia(join(r.dir, 'box'), proxy.url)
  const kills = 12
  for (let k = 0; k < kills; k++) {
    const agent = startAgent(join(r.dir, 'box'), proxy.url, { KUAICHU_SYNC_BATCH_SIZE: '40' })
    await agent.waitFor(/"event":"started"/)
    // More cases keep coming while the agent lives and dies.
    if (k % 3 === 0) r.box.addCase([5_000, 40_000])
    await sleep(200 + random() * 1500)
    await agent.kill('SIGKILL')
  }
  const agent = startAgent(join(r.dir, 'box'), proxy.url)
  t.teardown(() => agent.kill())
  await waitDrained(r.platformUrl, r.boxId, r.box.outboxHead())
  const c = compareBoxWithPlatform(r.box.db, r.platformDir, r.boxId)
  t.equal(c.receivedCount, c.sentCount, `all ${c.sentCount} events stored, each once`)
  t.ok(c.identical, 'same events, in order')
  t.equal(c.badFiles, 0, `all ${c.evidenceFiles} evidence files verified on the platform`)
  t.equal(c.caseRecords, c.boxCases)
})

