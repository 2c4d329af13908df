// The city's districts as an SVG drawn from the polygons (no online tiles), each coloured by the
// state of its boxes (pure).
import type { Position } from 'geojson'
import { DISTRICTS, type District } from '../../firmware-config/districts/districts.ts'
import { toGcj02 } from '../../firmware-config/districts/locate.ts'
import { escapeMarkup } from './escape-markup.ts'

export type DistrictState = 'online' | 'offline' | 'none'

const FILL: Record<DistrictState, string> = { online: '#5cb85c', offline: '#d9534f', none: '#cccccc' }
const STATE_TEXT: Record<DistrictState, string> = { online: '在线', offline: '离线', none: '未部署' }
const WIDTH = 800

function rings(d: District): Position[][] {
  const g = d.polygonGcj02
  if (!g) return []
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()
}

export function districtMapSvg(states: ReadonlyMap<string, DistrictState>, districts: readonly District[] = DISTRICTS): string {
  const all = districts.flatMap(rings).flat()
  const xs = all.map((p) => p[0]!)
  const ys = all.map((p) => p[1]!)
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  // Equirectangular, x shrunk by cos(latitude) so the city keeps its shape.
  const kx = Math.cos(((minY + maxY) / 2) * (Math.PI / 180))
  const scale = WIDTH / ((maxX - minX) * kx)
  const height = Math.ceil((maxY - minY) * scale)
  const px = (x: number, y: number) => `${((x - minX) * kx * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`

  const shapes = districts.map((d) => {
    const state = states.get(d.id) ?? 'none'
    const title = `<title>${escapeMarkup(d.name)}：${STATE_TEXT[state]}</title>`
    if (d.polygonGcj02) {
      const path = rings(d).map((r) => `M${r.map((p) => px(p[0]!, p[1]!)).join('L')}Z`).join('')
      return `<path id="district-${d.id}" data-state="${state}" d="${path}" fill="${FILL[state]}" fill-opacity="0.7" stroke="#fff" stroke-width="1">${title}</path>`
    }
    // Functional zones have no boundary here: a dashed circle of their approximate radius.
    const [x, y] = toGcj02(d.centroid)
    const r = ((d.zoneRadiusKm ?? 3) / 111.32) * scale
    const [cx, cy] = px(x, y).split(',')
    return `<circle id="district-${d.id}" data-state="${state}" cx="${cx}" cy="${cy}" r="${r.toFixed(1)}" fill="${FILL[state]}" fill-opacity="0.5" stroke="#333" stroke-dasharray="4 3">${title}</circle>`
  })
  const labels = districts.map((d) => {
    const [x, y] = toGcj02(d.centroid)
    const [lx, ly] = px(x, y).split(',')
    return `<text x="${lx}" y="${ly}" font-size="11" text-anchor="middle">${escapeMarkup(d.name)}</text>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="成都市各辖区设备状态">${shapes.join('')}${labels.join('')}</svg>`
}
