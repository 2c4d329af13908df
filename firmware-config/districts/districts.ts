// Chengdu's 23 district-level areas: 20 administrative districts with boundary polygons and 3
// functional zones (their own traffic police, no published boundary) with an approximate centre.
// Polygons are GCJ-02 (as Chinese map data usually is); every centroid here is WGS-84.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MultiPolygon, Polygon } from 'geojson'

export interface LngLat {
  lng: number
  lat: number
}

export interface District {
  /** Matches config `district.id`. */
  id: string
  name: string
  kind: 'administrative' | 'functional'
  /** WGS-84. Administrative: the source's label point ("cp"), converted from GCJ-02. Functional: see below. */
  centroid: LngLat
  /** GCJ-02 boundary, administrative districts only. */
  polygonGcj02?: Polygon | MultiPolygon
  /** Functional zones only: points this close to the centre belong to the zone (an approximation). */
  zoneRadiusKm?: number
}

const ADMINISTRATIVE: Array<Omit<District, 'kind' | 'polygonGcj02'>> = [
  { id: 'jinjiang', name: '锦江区', centroid: { lng: 104.1145, lat: 30.6006 } },
  { id: 'qingyang', name: '青羊区', centroid: { lng: 104.0589, lat: 30.6763 } },
  { id: 'jinniu', name: '金牛区', centroid: { lng: 104.0498, lat: 30.6938 } },
  { id: 'wuhou', name: '武侯区', centroid: { lng: 104.0408, lat: 30.6444 } },
  { id: 'chenghua', name: '成华区', centroid: { lng: 104.099, lat: 30.6624 } },
  { id: 'longquanyi', name: '龙泉驿区', centroid: { lng: 104.2722, lat: 30.5591 } },
  { id: 'qingbaijiang', name: '青白江区', centroid: { lng: 104.2486, lat: 30.8811 } },
  { id: 'xindu', name: '新都区', centroid: { lng: 104.1562, lat: 30.8259 } },
  { id: 'wenjiang', name: '温江区', centroid: { lng: 103.8545, lat: 30.6849 } },
  { id: 'shuangliu', name: '双流区', centroid: { lng: 103.9215, lat: 30.5772 } },
  { id: 'pidu', name: '郫都区', centroid: { lng: 103.899, lat: 30.7986 } },
  // The source still says 新津县; it became 新津区 in 2020 (same boundary).
  { id: 'xinjin', name: '新津区', centroid: { lng: 103.8091, lat: 30.4131 } },
  { id: 'jianyang', name: '简阳市', centroid: { lng: 104.5448, lat: 30.414 } },
  { id: 'dujiangyan', name: '都江堰市', centroid: { lng: 103.6451, lat: 30.9913 } },
  { id: 'pengzhou', name: '彭州市', centroid: { lng: 103.9558, lat: 30.9927 } },
  { id: 'qionglai', name: '邛崃市', centroid: { lng: 103.4619, lat: 30.4129 } },
  { id: 'chongzhou', name: '崇州市', centroid: { lng: 103.6709, lat: 30.6328 } },
  { id: 'jintang', name: '金堂县', centroid: { lng: 104.4093, lat: 30.8643 } },
  { id: 'dayi', name: '大邑县', centroid: { lng: 103.5097, lat: 30.5749 } },
  { id: 'pujiang', name: '蒲江县', centroid: { lng: 103.5044, lat: 30.1995 } },
]

// The functional zones overlap administrative districts and publish no boundary we could ship.
// Centres and radii are approximations chosen by hand from public descriptions, to be replaced
// by the zones' official areas:
// - 高新区: the southern zone (天府软件园 / 金融城 area, ~104.06 E 30.58 N); the separate western
//   zone (高新西区, ~103.93 E 30.75 N) is NOT covered and routes by polygon to 郫都/温江.
// - 天府新区 (成都直管区): around 华阳 / 秦皇寺 (~104.07 E 30.43 N).
// - 东部新区: around 天府国际机场 and 三岔湖 (~104.44 E 30.31 N).
const FUNCTIONAL: Array<Omit<District, 'kind' | 'polygonGcj02'>> = [
  { id: 'gaoxin', name: '高新区', centroid: { lng: 104.064, lat: 30.58 }, zoneRadiusKm: 4 },
  { id: 'tianfu', name: '天府新区', centroid: { lng: 104.07, lat: 30.43 }, zoneRadiusKm: 8 },
  { id: 'dongbu', name: '东部新区', centroid: { lng: 104.44, lat: 30.31 }, zoneRadiusKm: 10 },
]

interface PolygonFile {
  features: Array<{ properties: { id: string }; geometry: Polygon | MultiPolygon }>
}

function loadPolygons(): Map<string, Polygon | MultiPolygon> {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, 'chengdu-districts.geojson'), 'utf8')) as PolygonFile
  return new Map(file.features.map((f) => [f.properties.id, f.geometry]))
}

function buildTable(): readonly District[] {
  const polygons = loadPolygons()
  const administrative = ADMINISTRATIVE.map((d): District => {
    const polygonGcj02 = polygons.get(d.id)
    if (!polygonGcj02) throw new Error(`district polygon missing: ${d.id}`)
    return { ...d, kind: 'administrative', polygonGcj02 }
  })
  return [...administrative, ...FUNCTIONAL.map((d): District => ({ ...d, kind: 'functional' }))]
}

export const DISTRICTS: readonly District[] = buildTable()
export const DISTRICT_IDS: readonly string[] = DISTRICTS.map((d) => d.id)

export const districtById = (id: string): District | undefined => DISTRICTS.find((d) => d.id === id)
