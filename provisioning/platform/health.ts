// A box's state as the console shows it, from its last heartbeat (pure).
import type { HeartbeatPayload } from '../fleet-protocol.ts'

/** Heartbeats come every 15 s: four missed ones and the box counts as offline (routing skips it). */
export const ONLINE_WINDOW_MS = 60_000
export const OFFLINE_ALERT_MS = 5 * 60_000
export const DISK_ALERT_PERCENT = 85

export type AlertCode = 'offline' | 'never_seen' | 'disk_full'

export interface Alert {
  code: AlertCode
  text: string
}

export interface BoxHealth {
  online: boolean
  /** Seconds since the last heartbeat arrived; null when none ever did. */
  lagSeconds: number | null
  alerts: Alert[]
}

export function assessHealth(receivedAt: string | null, last: HeartbeatPayload | null, now: Date): BoxHealth {
  if (!receivedAt) return { online: false, lagSeconds: null, alerts: [{ code: 'never_seen', text: '从未收到心跳' }] }
  const lagMs = Math.max(0, now.getTime() - Date.parse(receivedAt))
  const alerts: Alert[] = []
  if (lagMs > OFFLINE_ALERT_MS) alerts.push({ code: 'offline', text: `离线超过 ${Math.floor(lagMs / 60_000)} 分钟` })
  if (last && last.system.diskUsedPercent > DISK_ALERT_PERCENT) {
    alerts.push({ code: 'disk_full', text: `磁盘已用 ${last.system.diskUsedPercent.toFixed(0)}%（超过 ${DISK_ALERT_PERCENT}%）` })
  }
  return { online: lagMs <= ONLINE_WINDOW_MS, lagSeconds: Math.round(lagMs / 1000), alerts }
}
