// The fleet's sync at a glance, for the city's duty officers (zh-CN, server-rendered, no script).
import type { BoxStatus } from './status.ts'
import { escapeMarkup } from '../../provisioning/platform/escape-markup.ts'

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} 秒`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分钟`
  return `${Math.floor(seconds / 3600)} 小时 ${Math.floor((seconds % 3600) / 60)} 分钟`
}

function row(b: BoxStatus, now: Date): string {
  const contact = b.lastContactAt === null ? '从未联系' : `${duration(Math.max(0, Math.round((now.getTime() - Date.parse(b.lastContactAt)) / 1000)))}前`
  const skew = b.skewSeconds === null ? '—' : Math.abs(b.skewSeconds) > 300 ? `<b>${b.skewSeconds > 0 ? '快' : '慢'} ${duration(Math.abs(b.skewSeconds))}</b>` : '正常'
  const state = b.revoked ? '已吊销' : b.backlog === 0 && b.evidenceMissing === 0 ? '已同步' : '同步中'
  return `<tr><td>${escapeMarkup(b.boxId)}</td><td>${escapeMarkup(b.districtId)}</td><td>${state}</td><td>${contact}</td>
<td>${b.ackedSeq} / ${b.headSeq}</td><td>${b.backlog}</td><td>${duration(b.lagSeconds)}</td><td>${b.evidenceStored}</td><td>${b.evidenceMissing}</td><td>${skew}</td></tr>`
}

export function statusPage(boxes: BoxStatus[], now: Date): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>快处 · 区县设备同步状态</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:nth-child(-n+4){text-align:left}</style>
</head><body><p><a href="/admin">← 返回设备管理平台</a></p><h1>区县设备同步状态</h1><p>平台时间 ${escapeMarkup(now.toISOString())}，每 10 秒刷新。</p>
<table><thead><tr><th>设备</th><th>辖区</th><th>状态</th><th>最近联系</th><th>已确认 / 设备最新序号</th><th>待同步事件</th><th>滞后</th><th>已收证据文件</th><th>待收证据文件</th><th>设备时钟</th></tr></thead>
<tbody>${boxes.length === 0 ? '<tr><td colspan="10">尚未登记设备</td></tr>' : boxes.map((b) => row(b, now)).join('\n')}</tbody></table></body></html>`
}
