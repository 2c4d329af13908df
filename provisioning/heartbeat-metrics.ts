// What a heartbeat reports about the machine (systeminformation): CPU, memory, the disk holding
// the data directory, temperature, load, uptime; calls in progress and the sync backlog.
import { existsSync } from 'node:fs'
import { loadavg, uptime } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import si from 'systeminformation'
import { readAckRecord } from '../sync/agent/ack-record.ts'
import type { HeartbeatPayload } from './fleet-protocol.ts'

const clampPercent = (n: number) => Math.min(100, Math.max(0, Number.isFinite(n) ? n : 0))

export async function systemMetrics(dataDir: string): Promise<HeartbeatPayload['system']> {
  const [load, mem, disks, temp] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize(), si.cpuTemperature()])
  const dir = resolve(dataDir)
  // The mount holding the data directory: the longest mount point that prefixes it.
  const disk = disks
    .filter((d) => dir === d.mount || dir.startsWith(d.mount.endsWith('/') ? d.mount : `${d.mount}/`))
    .sort((a, b) => b.mount.length - a.mount.length)[0]
  // Many machines (and containers) expose no sensor: null, not a made-up value.
  const celsius = typeof temp.main === 'number' && temp.main > 0 ? temp.main : null
  return {
    cpuLoadPercent: clampPercent(load.currentLoad),
    memoryUsedPercent: clampPercent((mem.active / mem.total) * 100),
    diskUsedPercent: clampPercent(disk?.use ?? 0),
    temperatureC: celsius,
    load1: loadavg()[0] ?? 0,
    uptimeSeconds: uptime(),
  }
}

/** One read-only look at the box's database; `absent` when the box has not created it yet. */
function readBoxDb<T>(dataDir: string, absent: T, read: (db: Database.Database) => T): T {
  const file = join(dataDir, 'kuaichu.db')
  if (!existsSync(file)) return absent
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

export function callsInProgress(dataDir: string): number {
  return readBoxDb(dataDir, 0, (db) => db.prepare(`SELECT count(*) FROM cases WHERE call_status = 'connected'`).pluck().get() as number)
}

/**
 * Outbox events the platform has not acknowledged yet: the outbox head (read-only, from the box's
 * database) minus what the sync agent last heard the platform acknowledge. null when no sync
 * agent has ever had an answer from the platform.
 */
export function syncBacklog(dataDir: string): number | null {
  const acked = readAckRecord(dataDir)
  if (!acked) return null
  const head = readBoxDb(dataDir, 0, (db) => db.prepare('SELECT coalesce(max(seq), 0) FROM outbox').pluck().get() as number)
  // An acknowledgement beyond the head (a database restored from an older backup) is no backlog.
  return Math.max(0, head - acked.ackedSeq)
}
