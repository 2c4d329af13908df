// Which district a WGS-84 point (a phone's location) belongs to, and distances between points.
// Pure: the polygons are GCJ-02, so the point is converted before the polygon test.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import gcoordModule from 'gcoord'
import { DISTRICTS, type District, type LngLat } from './districts.ts'

// gcoord's typings declare an ES default export, but the package is CommonJS: at run time the
// default import is the exports object itself.
const gcoord = gcoordModule as unknown as typeof gcoordModule.default

const EARTH_RADIUS_KM = 6371.0088

/** Great-circle distance in kilometres. */
export function distanceKm(a: LngLat, b: LngLat): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLng = (b.lng - a.lng) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

export const toGcj02 = (p: LngLat): [number, number] => gcoord.transform([p.lng, p.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number]

export type LocatedBy = 'zone' | 'polygon' | 'nearest'

export interface Location {
  district: District
  by: LocatedBy
}

/**
 * Functional zones first (they overlap administrative districts, so a point near a zone's centre
 * belongs to the zone), then the administrative polygons, then the nearest centroid of all 23.
 */
export function locateDistrict(point: LngLat, districts: readonly District[] = DISTRICTS): Location {
  const zone = districts
    .filter((d) => d.zoneRadiusKm !== undefined && distanceKm(point, d.centroid) <= d.zoneRadiusKm)
    .sort((a, b) => distanceKm(point, a.centroid) - distanceKm(point, b.centroid))[0]
  if (zone) return { district: zone, by: 'zone' }
  const gcj = toGcj02(point)
  const inside = districts.find((d) => d.polygonGcj02 && booleanPointInPolygon(gcj, d.polygonGcj02))
  if (inside) return { district: inside, by: 'polygon' }
  return { district: byDistance(point, districts)[0]!, by: 'nearest' }
}

/** Districts ordered by the distance of their centroid from the point, nearest first. */
export function byDistance(point: LngLat, districts: readonly District[] = DISTRICTS): District[] {
  return [...districts].sort((a, b) => distanceKm(point, a.centroid) - distanceKm(point, b.centroid))
}
