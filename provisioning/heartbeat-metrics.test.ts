import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Value } from '@sinclair/typebox/value'
import t from 'tap'
import { createCaseService } from '../appliance/cases/case-service.ts'
import { openDb } from '../appliance/db/open.ts'
import { createRegistryClient } from '../appliance/registry/client.ts'
import { DEFAULT_CONFIG, validateConfig } from '../firmware-config/config.ts'
import { ACK_RECORD_FILE, writeAckRecord } from '../sync/agent/ack-record.ts'
import { HeartbeatPayload } from './fleet-protocol.ts'
import { syncBacklog, systemMetrics } from './heartbeat-metrics.ts'

t.test('this machine\'s figures fit the heartbeat schema', async (t) => {
  const system = await systemMetrics(tmpdir())
  const schema = HeartbeatPayload.properties.system
  t.ok(Value.Check(schema, system), JSON.stringify([...Value.Errors(schema, system)].slice(0, 3)))
  t.ok(system.diskUsedPercent > 0, 'the disk holding the data directory was found')
  t.ok(system.memoryUsedPercent > 0)
  t.ok(system.uptimeSeconds > 0)
})

t.test('the sync backlog: outbox head of the box\'s database minus the platform\'s last acknowledgement', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-backlog-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  // The box's real database, migrated, with outbox rows written by the real case service's triggers.
  const db = openDb(join(dataDir, 'kuaichu.db'))
  t.teardown(() => db.$client.close())
  const config = validateConfig({ ...DEFAULT_CONFIG, dataDir })
  const cases = createCaseService({ db, config, registry: createRegistryClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 100 }), now: () => new Date() })
  const head = () => db.$client.prepare('SELECT coalesce(max(seq), 0) FROM outbox').pluck().get() as number
  const report = (n: number) => cases.report({ lat: 30.65 + n * 1e-4, lng: 104.08, phone: '13800000000' })

  t.equal(syncBacklog(dataDir), null, 'an empty outbox and no sync agent yet: unknown')
  report(1)
  report(2)
  t.ok(head() > 0, 'reports wrote outbox events')
  t.equal(syncBacklog(dataDir), null, 'events but no sync agent ever ran: unknown, not zero')

  writeAckRecord(dataDir, { ackedSeq: 0, at: new Date().toISOString() })
  t.equal(syncBacklog(dataDir), head(), 'nothing acknowledged: the whole outbox waits')
  const acked = head()
  writeAckRecord(dataDir, { ackedSeq: acked, at: new Date().toISOString() })
  t.equal(syncBacklog(dataDir), 0, 'all acknowledged')
  report(3)
  t.ok(head() > acked)
  t.equal(syncBacklog(dataDir), head() - acked, 'a new case is backlog until the platform acknowledges it')

  writeAckRecord(dataDir, { ackedSeq: head() + 50, at: new Date().toISOString() })
  t.equal(syncBacklog(dataDir), 0, 'acknowledged beyond the head (database restored from a backup): no backlog')

  writeFileSync(join(dataDir, ACK_RECORD_FILE), '{"ackedSeq":-3,"at":"x"}')
  t.throws(() => syncBacklog(dataDir), { message: /sync-ack\.json: \/ackedSeq/ }, 'a damaged file is an error naming the file and the field')
  writeFileSync(join(dataDir, ACK_RECORD_FILE), '{"acked')
  t.throws(() => syncBacklog(dataDir), { message: /sync-ack\.json/ })
})
