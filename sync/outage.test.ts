// The platform down for a whole burst of cases, then up: everything arrives, in order, once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { compareBoxWithPlatform } from './test-support/compare.ts'
import { boxData, enrolBoxData, freePort, startAgent, startPlatform, waitDrained } from './test-support/sync-rig.ts'

t.test('a burst of cases while the platform is down arrives once and in order when it is back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-sync-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const box = boxData(join(dir, 'box'))
  t.teardown(box.close)
  const port = await freePort()
  const platformUrl = `http://127.0.0.1:${port}`
  // Enrolled while the link was up; then the platform goes away before the agent's first push.
  const first = await startPlatform(join(dir, 'platform'), port)
  const boxId = await enrolBoxData(platformUrl, join(dir, 'box'))
  await first.kill('SIGKILL')

  const agent = startAgent(join(dir, 'box'), platformUrl)
  t.teardown(() => agent.kill())
  await agent.waitFor(/"event":"error"/)
  for (let i = 0; i < 40; i++) box.addCase([2_000, 3_000, 20_000])
  // The agent keeps failing with backoff while the platform is away.
  await agent.waitFor(/"failures":3/)

  const platform = await startPlatform(join(dir, 'platform'), port)
  t.teardown(() => platform.kill('SIGTERM'))
  const head = box.outboxHead()
  const status = await waitDrained(platformUrl, boxId, head)
  t.equal(status.backlog, 0)

  const c = compareBoxWithPlatform(box.db, join(dir, 'platform'), boxId)
  t.equal(c.receivedCount, c.sentCount, 'every outbox event stored once')
  t.ok(c.identical, 'same events, same order, same content')
  t.equal(c.evidenceFiles, 120)
  t.equal(c.badFiles, 0, 'every evidence file on the platform with its sha256')
  t.equal(c.caseRecords, 40, 'one case record per case')
})
