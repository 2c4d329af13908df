// The platform's pages (zh-CN), rendered on the server: the admin console, its login, and the
// citizens' entry that forwards the phone to its district's box.
import type { BoxView } from './fleet-view.ts'
import { districtMapSvg, type DistrictState } from './map-svg.ts'
import type { RolloutView } from './rollouts.ts'
import { escapeMarkup } from './escape-markup.ts'

const shell = (title: string, body: string, script = '') => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeMarkup(title)}</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;padding:16px;color:#222}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left}
.online{color:#2e7d32}.offline{color:#c62828}.alert{color:#c62828}.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
textarea{width:100%;height:120px;font-family:monospace}button{padding:6px 14px}
</style></head><body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`

export function loginPage(): string {
  return shell('快处设备管理平台 登录', `<h1>快处设备管理平台</h1>
<form id="login"><p><input name="username" placeholder="用户名" autocomplete="username" required></p>
<p><input name="password" type="password" placeholder="密码" autocomplete="current-password" required></p>
<p><button>登录</button> <span id="msg" class="alert"></span></p></form>`, `
document.getElementById('login').onsubmit = async (e) => {
  e.preventDefault()
  const f = new FormData(e.target)
  const r = await fetch('/api/fleet/admin/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: f.get('username'), password: f.get('password') }) })
  if (r.ok) location.reload(); else document.getElementById('msg').textContent = (await r.json()).message
}`)
}

function districtStates(boxes: BoxView[]): Map<string, DistrictState> {
  const states = new Map<string, DistrictState>()
  for (const b of boxes.filter((b) => b.status === 'active')) {
    if (b.health.online) states.set(b.districtId, 'online')
    else if (states.get(b.districtId) !== 'online') states.set(b.districtId, 'offline')
  }
  return states
}

const ROLLOUT_TEXT = { in_progress: '下发中', completed: '已完成', rolled_back: '已回滚' } as const
const ROLLOUT_BOX_TEXT = { pending: '等待确认', applied: '已生效', failed: '失败', reverted: '已恢复原配置' } as const

function boxRow(b: BoxView): string {
  const hb = b.lastHeartbeat
  const state = b.status === 'revoked' ? '<span class="offline">已吊销</span>'
    : b.health.online ? '<span class="online">在线</span>' : '<span class="offline">离线</span>'
  const lag = b.health.lagSeconds === null ? '—' : `${b.health.lagSeconds} 秒`
  const versions = hb ? `软件 ${escapeMarkup(hb.versions.software)}<br>模型 ${escapeMarkup(hb.versions.models)}<br>配置 ${escapeMarkup(hb.versions.config)}` : '—'
  const system = hb ? `CPU ${hb.system.cpuLoadPercent.toFixed(0)}% 内存 ${hb.system.memoryUsedPercent.toFixed(0)}% 磁盘 ${hb.system.diskUsedPercent.toFixed(0)}%`
    + `${hb.system.temperatureC === null ? '' : ` ${hb.system.temperatureC.toFixed(0)}℃`}<br>通话 ${hb.callsInProgress} 同步积压 ${hb.syncBacklog ?? '—'}` : '—'
  const alerts = b.health.alerts.map((a) => `<span class="alert" data-alert="${a.code}">${escapeMarkup(a.text)}</span>`).join('<br>')
  return `<tr id="box-${escapeMarkup(b.boxId)}"><td>${escapeMarkup(b.districtName)}</td><td>${escapeMarkup(b.boxId)}</td><td>${state}</td><td>${lag}</td>`
    + `<td>${versions}</td><td>${system}</td><td>${alerts || '—'}</td></tr>`
}

function rolloutRow(r: RolloutView): string {
  const boxes = r.boxes.map((b) => `${escapeMarkup(b.boxId)}：${ROLLOUT_BOX_TEXT[b.status]}${b.error ? `（${escapeMarkup(b.error)}）` : ''}`).join('<br>')
  return `<tr><td>${r.id}</td><td>${escapeMarkup(r.version)}</td><td>${r.target === 'all' ? '全部设备' : escapeMarkup(r.target)}</td>`
    + `<td>${ROLLOUT_TEXT[r.status]}${r.reason ? `<br>${escapeMarkup(r.reason)}` : ''}</td><td>${boxes}</td></tr>`
}

export function consolePage(admin: string, boxes: BoxView[], rollouts: RolloutView[]): string {
  const targets = boxes.filter((b) => b.status === 'active')
    .map((b) => `<option value="${escapeMarkup(b.boxId)}">${escapeMarkup(b.districtName)} ${escapeMarkup(b.boxId)}</option>`).join('')
  return shell('快处设备管理平台', `<h1>快处设备管理平台 <small>${escapeMarkup(admin)}</small></h1>
<div class="grid"><section><h2>辖区地图</h2>${districtMapSvg(districtStates(boxes))}
<p><span class="online">■ 在线</span> <span class="offline">■ 离线</span> <span style="color:#999">■ 未部署</span>（虚线圆为功能区的大致范围）</p></section>
<section><h2>配置下发</h2><form id="rollout"><p><select name="target"><option value="all">全部设备</option>${targets}</select></p>
<p><textarea name="document" placeholder='{"service":{"start":"07:00","end":"19:00"}}'></textarea></p>
<p><button>下发</button> <span id="msg"></span></p></form>
<table><thead><tr><th>#</th><th>版本</th><th>对象</th><th>状态</th><th>设备确认</th></tr></thead><tbody>${rollouts.map(rolloutRow).join('')}</tbody></table></section></div>
<h2>设备（${boxes.length} 台）</h2>
<p><a href="/status">数据同步状态（待同步事件、滞后、证据文件）</a></p>
<table id="boxes"><thead><tr><th>辖区</th><th>设备</th><th>状态</th><th>心跳延迟</th><th>版本</th><th>运行状况</th><th>告警</th></tr></thead>
<tbody>${boxes.map(boxRow).join('')}</tbody></table>`, `
setTimeout(() => location.reload(), 15000)
document.getElementById('rollout').onsubmit = async (e) => {
  e.preventDefault()
  const f = new FormData(e.target), msg = document.getElementById('msg')
  let document_
  try { document_ = JSON.parse(f.get('document')) } catch { msg.textContent = '配置不是有效的 JSON'; return }
  const r = await fetch('/api/fleet/rollouts', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target: f.get('target'), document: document_ }) })
  const body = await r.json()
  if (r.ok) location.reload(); else msg.textContent = body.message + (body.details?.problems ? '：' + body.details.problems.join('；') : '')
}`)
}

/** The citizen's first page: finds the phone's location and forwards to the district's box. */
export function citizenEntryPage(): string {
  return shell('事故视频快处', `<h1>事故视频快处</h1><p id="status">正在获取您的位置，请允许浏览器使用位置信息…</p>`, `
const status = document.getElementById('status')
navigator.geolocation.getCurrentPosition(async (pos) => {
  const q = new URLSearchParams({ lat: pos.coords.latitude, lng: pos.coords.longitude })
  const r = await fetch('/api/route?' + q)
  const body = await r.json()
  if (!r.ok) { status.textContent = body.message; return }
  location.replace(body.boxUrl.replace(/\\/$/, '') + '/report')
}, () => { status.textContent = '无法获取位置。请在浏览器设置中允许“位置信息”后刷新，或直接拨打 122 报警。' },
{ enableHighAccuracy: true, timeout: 10000 })`)
}
