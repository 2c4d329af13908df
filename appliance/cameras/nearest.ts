// The roadside cameras nearest an accident (pure).
import type { Config } from '../../firmware-config/config.ts'
import { distanceKm } from '../../firmware-config/districts/locate.ts'

export type Camera = Config['cameras'][number]

export interface NearbyCamera {
  id: string
  name: string
  distanceM: number
}

export function nearestCameras(cameras: readonly Camera[], at: { lat: number; lng: number }, limit = 4, withinKm = 5): NearbyCamera[] {
  return cameras
    .map((c) => ({ id: c.id, name: c.name, distanceM: Math.round(distanceKm(at, c) * 1000) }))
    .filter((c) => c.distanceM <= withinKm * 1000)
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, limit)
}
