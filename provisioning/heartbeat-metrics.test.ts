import { tmpdir } from 'node:os'
import { Value } from '@sinclair/typebox/value'
import t from 'tap'
import { HeartbeatPayload } from './fleet-protocol.ts'
import { systemMetrics } from './heartbeat-metrics.ts'

t.test('this machine\'s figures fit the heartbeat schema', async (t) => {
  const system = await systemMetrics(tmpdir())
  const schema = HeartbeatPayload.properties.system
  t.ok(Value.Check(schema, system), JSON.stringify([...Value.Errors(schema, system)].slice(0, 3)))
  t.ok(system.diskUsedPercent > 0, 'the disk holding the data directory was found')
  t.ok(system.memoryUsedPercent > 0)
  t.ok(system.uptimeSeconds > 0)
})
