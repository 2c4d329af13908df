// The platform SIGKILLed in the middle of a batch and in the middle of an upload: nothing lost,
// nothing duplicated, and the upload resumes from the platform's offset, not from zero.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { compareBoxWithPlatform } from './test-support/compare.ts'
import { routeBoxVia, startAgent, startSyncRig, waitDrained } from './test-support/sync-rig.ts'
import { startThrottleProxy } from './test-support/throttle-proxy.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
t.setTimeout(900_000)

t.test('the platform SIGKILLed in the middle of a batch and in the middle of an upload', async (t) => {
  const r = await startSyncRig(t)
  for (let i = 0; i < 150; i++) r.box.addCase([])
  const big = 6_000_000
  r.box.addCase([big])
  // ~1 MB/s box→platform: a 500-event batch takes a fraction of a second, the big file seconds.
  const proxy = await startThrottleProxy(r.port, 1_000_000)
  t.teardown(proxy.close)
  routeBoxVia(join(r.dir, 'box'), proxy.url)
  const agent = startAgent(join(r.dir, 'box'), proxy.url)
  t.teardown(() => agent.kill())

  // Mid-batch, three times.
  for (let k = 0; k < 3; k++) {
    const until = Date.now() + 60_000
    while (!proxy.batchInFlight() && Date.now() < until) await sleep(5)
    t.ok(proxy.batchInFlight(), `kill ${k + 1} lands while a batch is in flight`)
    await r.restartPlatform()
  }

  // Mid-upload: wait until the platform holds part of the big file, then kill it.
  const uploads = join(r.platformDir, 'uploads')
  const partialSize = () => {
    try {
      return readdirSync(uploads).filter((f) => !f.endsWith('.json')).reduce((n, f) => Math.max(n, statSync(join(uploads, f)).size), 0)
    } catch {
      return 0
    }
  }
  const until = Date.now() + 120_000
  while (partialSize() < big / 4 && Date.now() < until) await sleep(20)
  await r.killPlatform()
  const had = partialSize()
  t.ok(had > 0 && had < big, `killed with ${had} of ${big} bytes on the platform`)
  const before = proxy.forwarded()
  await r.startPlatformAgain()
  await waitDrained(r.platformUrl, r.boxId, r.box.outboxHead())
  const line = await agent.waitFor(new RegExp(`"event":"evidence".*"sizeBytes":${big}`))
  const resumedFrom = JSON.parse(line).resumedFrom as number
  t.ok(resumedFrom >= had * 0.5 && resumedFrom <= big, `the upload resumed from byte ${resumedFrom}, not from zero`)
  t.ok(proxy.forwarded() - before < big - had + 200_000, `after the restart only ${proxy.forwarded() - before} bytes went (file ${big}, platform had ${had})`)

  const c = compareBoxWithPlatform(r.box.db, r.platformDir, r.boxId)
  t.equal(c.receivedCount, c.sentCount, `all ${c.sentCount} events stored, each once`)
  t.ok(c.identical, 'same events, in order')
  t.equal(c.badFiles, 0, 'the resumed file has the right sha256')
})
