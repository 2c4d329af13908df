import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import gcoordModule from 'gcoord'
import t from 'tap'
import { DISTRICTS, type District, type LngLat } from '../../firmware-config/districts/districts.ts'
import { distanceKm, locateDistrict } from '../../firmware-config/districts/locate.ts'
import { routeCitizen, type RoutableBox } from './routing.ts'
import { startTestPlatform } from './test-platform.ts'

const gcoord = gcoordModule as unknown as typeof gcoordModule.default
const toWgs84 = ([lng, lat]: number[]): LngLat => {
  const [x, y] = gcoord.transform([lng!, lat!], gcoord.GCJ02, gcoord.WGS84) as [number, number]
  return { lng: x, lat: y }
}
const zones = DISTRICTS.filter((d) => d.kind === 'functional')

/**
 * A point well inside a district's polygon, away from every functional zone: on a grid over the
 * polygon's bounding box, the inside point farthest from the polygon's vertices (in GCJ-02),
 * returned as the WGS-84 a phone would report.
 */
function interiorPoint(d: District): LngLat {
  const g = d.polygonGcj02!
  const vertices = (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).flat()
  const xs = vertices.map((v) => v[0]!)
  const ys = vertices.map((v) => v[1]!)
  let best: { p: number[]; clearance: number } | null = null
  for (let i = 1; i < 30; i++) {
    for (let j = 1; j < 30; j++) {
      const p = [Math.min(...xs) + ((Math.max(...xs) - Math.min(...xs)) * i) / 30, Math.min(...ys) + ((Math.max(...ys) - Math.min(...ys)) * j) / 30]
      if (!booleanPointInPolygon(p, g)) continue
      const wgs = toWgs84(p)
      if (zones.some((z) => distanceKm(wgs, z.centroid) <= z.zoneRadiusKm! + 1)) continue
      const clearance = Math.min(...vertices.map((v) => Math.hypot(v[0]! - p[0]!, v[1]! - p[1]!)))
      if (!best || clearance > best.clearance) best = { p, clearance }
    }
  }
  if (!best) throw new Error(`no interior point for ${d.id}`)
  return toWgs84(best.p)
}

const allOnline: RoutableBox[] = DISTRICTS.map((d) => ({ boxId: `${d.id}-box`, districtId: d.id, url: `https://${d.id}.box.test`, online: true }))

t.test('the district table', async (t) => {
  t.equal(DISTRICTS.length, 23)
  t.equal(DISTRICTS.filter((d) => d.polygonGcj02).length, 20, '20 administrative polygons')
  t.same(zones.map((d) => d.name), ['高新区', '天府新区', '东部新区'])
  t.equal(new Set(DISTRICTS.map((d) => d.id)).size, 23, 'ids are unique')
})

t.test('a point inside each of the 20 polygons goes to that district\'s box', async (t) => {
  for (const d of DISTRICTS.filter((d) => d.polygonGcj02)) {
    const route = routeCitizen(interiorPoint(d), allOnline)
    t.equal(route?.box.districtId, d.id, d.name)
    t.equal(route?.locatedBy, 'polygon')
    t.equal(route?.failover, false)
  }
})

t.test('landmarks (WGS-84 as a phone reports them)', async (t) => {
  const cases: Array<[string, LngLat, string]> = [
    ['春熙路', { lng: 104.0806, lat: 30.6574 }, 'jinjiang'],
    ['都江堰景区', { lng: 103.6125, lat: 31.0032 }, 'dujiangyan'],
    ['天府国际机场', { lng: 104.445, lat: 30.319 }, 'dongbu'],
    ['天府软件园', { lng: 104.068, lat: 30.548 }, 'gaoxin'],
  ]
  for (const [name, p, id] of cases) t.equal(routeCitizen(p, allOnline)?.home.id, id, name)
})

t.test('each functional zone: its centre and a point near its edge', async (t) => {
  for (const z of zones) {
    t.equal(locateDistrict(z.centroid).district.id, z.id, `${z.name} centre`)
    const nearEdge = { lng: z.centroid.lng, lat: z.centroid.lat + ((z.zoneRadiusKm! - 0.5) / 111.2) }
    const route = routeCitizen(nearEdge, allOnline)
    t.equal(route?.box.districtId, z.id, `${z.name} near its edge`)
    t.equal(route?.locatedBy, 'zone')
  }
})

t.test('the point is converted to GCJ-02 before the polygon test', async (t) => {
  // Walk east from 青羊's interior across the city until a point lands in a different district
  // with the conversion than it would without it: routing must follow the converted answer.
  let checked = 0
  for (let lng = 103.9; lng < 104.3; lng += 0.0005) {
    const p = { lng, lat: 30.67 }
    const withConversion = locateDistrict(p).district.id
    const raw = DISTRICTS.find((d) => d.polygonGcj02 && booleanPointInPolygon([p.lng, p.lat], d.polygonGcj02))?.id
    if (raw && raw !== withConversion && locateDistrict(p).by === 'polygon') {
      t.equal(routeCitizen(p, allOnline)?.box.districtId, withConversion, `${lng.toFixed(4)}: converted district, not ${raw}`)
      checked++
    }
  }
  t.ok(checked > 0, 'some boundary points differ between WGS-84 and GCJ-02 (~500 m apart here)')
})

t.test('outside every polygon: the nearest centroid', async (t) => {
  const cases: Array<[string, LngLat, string]> = [
    ['资阳 (south-east, next to 东部新区)', { lng: 104.63, lat: 30.13 }, 'dongbu'],
    ['雅安 (west)', { lng: 103.0, lat: 29.98 }, 'pujiang'],
  ]
  for (const [name, p, id] of cases) {
    const route = routeCitizen(p, allOnline)
    t.equal(route?.locatedBy, 'nearest', name)
    const nearest = [...DISTRICTS].sort((a, b) => distanceKm(p, a.centroid) - distanceKm(p, b.centroid))[0]!
    t.equal(route?.home.id, nearest.id, `${name}: nearest centroid`)
    t.equal(route?.home.id, id, name)
  }
})

t.test('failover: an offline home box sends the citizen to the nearest district with an online box', async (t) => {
  const p = interiorPoint(DISTRICTS.find((d) => d.id === 'wenjiang')!)
  const down = allOnline.map((b) => (b.districtId === 'wenjiang' ? { ...b, online: false } : b))
  const route = routeCitizen(p, down)!
  t.equal(route.home.id, 'wenjiang')
  t.equal(route.failover, true)
  t.not(route.box.districtId, 'wenjiang')
  const nearest = DISTRICTS.filter((d) => d.id !== 'wenjiang').sort((a, b) => distanceKm(p, a.centroid) - distanceKm(p, b.centroid))[0]!
  t.equal(route.box.districtId, nearest.id, 'the next nearest district')
  t.equal(routeCitizen(p, allOnline.map((b) => ({ ...b, online: false }))), null, 'nobody online: no route')
})

t.test('the platform\'s citizen entry routes by live heartbeats', async (t) => {
  const platform = await startTestPlatform()
  t.teardown(() => platform.close())
  const jinjiang = await platform.enrol('jinjiang', { boxUrl: 'https://jinjiang.box.test' })
  const chenghua = await platform.enrol('chenghua', { boxUrl: 'https://chenghua.box.test' })
  const spot = interiorPoint(DISTRICTS.find((d) => d.id === 'jinjiang')!)
  const route = (p: LngLat) => platform.admin.get(`/api/route?lat=${p.lat.toFixed(6)}&lng=${p.lng.toFixed(6)}`)

  t.equal((await route(spot)).body.code, 'FLEET_NO_BOX_AVAILABLE', 'no heartbeat yet: no box')
  await jinjiang.tick()
  await chenghua.tick()
  let r = (await route(spot)).body
  t.same([r.districtName, r.boxUrl, r.failover], ['锦江区', 'https://jinjiang.box.test', false])

  platform.clock.now = new Date(platform.clock.now.getTime() + 90_000)
  await chenghua.tick() // only chenghua keeps beating
  r = (await route(spot)).body
  t.same([r.districtId, r.servedBy, r.boxUrl, r.failover], ['jinjiang', 'chenghua', 'https://chenghua.box.test', true], 'home box silent: the next one takes it')

  await platform.admin.post(`/api/fleet/boxes/${chenghua.enrolled.boxId}/revoke`)
  t.equal((await route(spot)).body.code, 'FLEET_NO_BOX_AVAILABLE', 'a revoked box is never routed to')
  t.equal((await platform.admin.get('/api/route?lat=abc&lng=104')).body.code, 'VALIDATION_FAILED')
  t.equal((await platform.admin.get('/api/route?lat=95&lng=104')).body.code, 'VALIDATION_FAILED')
})
