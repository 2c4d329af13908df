// Which box a citizen is sent to (pure): the box of the district containing the phone's location,
// or, when no box of that district is online, the nearest district that has one.
import { DISTRICTS, type District, type LngLat } from '../../firmware-config/districts/districts.ts'
import { byDistance, locateDistrict, type LocatedBy } from '../../firmware-config/districts/locate.ts'

export interface RoutableBox {
  boxId: string
  districtId: string
  url: string
  online: boolean
}

export interface Route {
  box: RoutableBox
  /** The district the accident is in. */
  home: District
  locatedBy: LocatedBy
  /** The district whose box takes the case (differs from home after a failover). */
  servedBy: District
  failover: boolean
}

export function routeCitizen(point: LngLat, boxes: readonly RoutableBox[], districts: readonly District[] = DISTRICTS): Route | null {
  const { district: home, by } = locateDistrict(point, districts)
  const order = [home, ...byDistance(point, districts).filter((d) => d.id !== home.id)]
  for (const district of order) {
    const box = boxes.filter((b) => b.online && b.districtId === district.id).sort((a, b) => a.boxId.localeCompare(b.boxId))[0]
    if (box) return { box, home, locatedBy: by, servedBy: district, failover: district.id !== home.id }
  }
  return null
}
