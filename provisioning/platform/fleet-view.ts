// Heartbeats as received, and the fleet as the console and the citizen router see it.
import { DISTRICTS } from '../../firmware-config/districts/districts.ts'
import type { HeartbeatPayload } from '../fleet-protocol.ts'
import type { BoxRecord, BoxRegistry } from './box-registry.ts'
import { assessHealth, type BoxHealth } from './health.ts'
import type { RoutableBox } from './routing.ts'
import type { PlatformDb } from './store.ts'

export interface BoxView extends Omit<BoxRecord, 'publicKeyPem'> {
  districtName: string
  health: BoxHealth
  lastHeartbeat: HeartbeatPayload | null
  desiredConfigVersion: string | null
}

export function createFleetView(db: PlatformDb, registry: BoxRegistry, now: () => Date) {
  const upsert = db.prepare(`INSERT INTO heartbeats (box_id, received_at, payload) VALUES (?, ?, ?)
    ON CONFLICT (box_id) DO UPDATE SET received_at = excluded.received_at, payload = excluded.payload`)
  const latest = db.prepare(`SELECT h.box_id AS boxId, h.received_at AS receivedAt, h.payload, b.desired_config_version AS desired
    FROM boxes b LEFT JOIN heartbeats h ON h.box_id = b.box_id`)
  const districtName = new Map(DISTRICTS.map((d) => [d.id, d.name]))

  function boxes(): BoxView[] {
    const beats = new Map((latest.all() as Array<{ boxId: string; receivedAt: string | null; payload: string | null; desired: string | null }>)
      .map((r) => [r.boxId, r]))
    const at = now()
    return registry.list().map(({ publicKeyPem: _key, ...b }) => {
      const beat = beats.get(b.boxId)
      const last = beat?.payload ? (JSON.parse(beat.payload) as HeartbeatPayload) : null
      return {
        ...b,
        districtName: districtName.get(b.districtId) ?? b.districtId,
        health: assessHealth(beat?.receivedAt ?? null, last, at),
        lastHeartbeat: last,
        desiredConfigVersion: beat?.desired ?? null,
      }
    })
  }

  return {
    record: (boxId: string, payload: HeartbeatPayload) => void upsert.run(boxId, now().toISOString(), JSON.stringify(payload)),
    boxes,
    /** Active boxes with their online state, for the citizen router. */
    routable: (): RoutableBox[] => boxes().filter((b) => b.status === 'active')
      .map((b) => ({ boxId: b.boxId, districtId: b.districtId, url: b.url, online: b.health.online })),
  }
}
export type FleetView = ReturnType<typeof createFleetView>
