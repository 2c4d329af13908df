// 网办进度: the page an SMS link opens. Timeline, the determination to view and download,
// 【保险理赔】 for the party's insurer, 【申请复核】 within the window, dispatch status.
import { $, api, h, show } from './dom.ts'

const p = new URLSearchParams(location.hash.slice(1))
const caseId = p.get('case') ?? ''
const token = p.get('token') ?? ''
const main = $('#main')
const status = $('#status')
const say = (text: string) => { status.textContent = text }
const time = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })

async function pdfBlob(): Promise<Blob> {
  const res = await fetch(`/api/citizen/cases/${caseId}/document.pdf`, { headers: { authorization: `Bearer ${token}` } })
  if (!res.ok) throw new Error('认定书下载失败')
  return res.blob()
}

function documentSection(v: any): HTMLElement {
  const d = v.document
  const view = h('button', { id: 'doc-view' }, '查看认定书')
  view.onclick = () => pdfBlob().then((b) => { window.open(URL.createObjectURL(b), '_blank') }, (e: Error) => say(e.message))
  const download = h('button', { id: 'doc-download' }, '下载认定书')
  download.onclick = () => pdfBlob().then((b) => {
    const a = h('a', { href: URL.createObjectURL(b), download: `道路交通事故认定书-${d.documentNo}.pdf` })
    document.body.append(a)
    a.click()
    a.remove()
  }, (e: Error) => say(e.message))
  return h('section', { id: 'document' },
    h('h2', {}, '道路交通事故认定书'),
    h('p', {}, `文书编号：${d.documentNo}`),
    h('p', {}, `送达时间：${d.servedAt}`),
    h('ul', {}, ...d.findings.map((f: any) => h('li', {}, `${f.label}：${f.liability}`))),
    view, download,
    h('p', {}, h('a', { href: d.verifyPath, id: 'doc-verify' }, '核验认定书真伪')),
  )
}

function claimSection(v: any): HTMLElement {
  const items = v.claims.map((c: any) => {
    if (c.claim?.status === 'accepted') return h('p', { class: 'claim-done' }, `${c.insurer}已受理报案，报案号：${c.claim.reference}`)
    if (!c.oneTap) return h('p', { class: 'claim-guidance' }, c.guidance ?? '')
    const b = h('button', { class: 'primary', id: `claim-${c.partyId}` }, `【保险理赔】向${c.insurer}报案`)
    b.onclick = async () => {
      b.setAttribute('disabled', '')
      try {
        const r = await api('POST', `/api/citizen/cases/${caseId}/claims`, { partyId: c.partyId }, token)
        say(r.status === 'accepted' ? `${c.insurer}已受理，报案号：${r.reference}` : '保险公司暂时无法连接，系统将自动重试')
      } catch (e) {
        say((e as Error).message)
      }
      await render()
    }
    const pending = c.claim?.status === 'pending' ? [h('p', {}, '报案提交中，系统正在自动重试…')]
      : c.claim?.status === 'failed' ? [h('p', { class: 'warn' }, '保险公司多次无法连接，报案未成功，请稍后再点一次')] : []
    return h('div', {}, b, ...pending)
  })
  return h('section', { id: 'claims' }, h('h2', {}, '保险理赔'), ...items)
}

function reviewSection(v: any): HTMLElement {
  const r = v.review
  if (r.filed) return h('section', { id: 'review' }, h('h2', {}, '申请复核'), h('p', {}, `复核申请已于${time(r.filed.receivedAt)}提交`))
  if (!r.open) return h('section', { id: 'review' }, h('h2', {}, '申请复核'), h('p', {}, `已超过复核申请期限（${r.deadlineText}）。${r.rule}`))
  const reason = h('textarea', { id: 'review-reason', placeholder: '请写明对认定的异议及理由' })
  const b = h('button', { id: 'review-submit' }, '【申请复核】')
  b.onclick = async () => {
    try {
      await api('POST', `/api/citizen/cases/${caseId}/review`, { reason: reason.value.trim() }, token)
      say('复核申请已提交')
    } catch (e) {
      say((e as Error).message)
    }
    await render()
  }
  return h('section', { id: 'review' }, h('h2', {}, '申请复核'), h('p', {}, `请于${r.deadlineText}前提出。`), reason, b)
}

async function render() {
  const v = await api('GET', `/api/citizen/cases/${caseId}/progress`, undefined, token)
  show(main, h('div', {},
    h('h1', {}, '网办进度'),
    h('p', {}, `案件编号：${v.caseNo}`),
    h('p', { id: 'state' }, v.stateText),
    ...(v.dispatch ? [h('section', { id: 'dispatch' }, h('h2', {}, '现场处理'), h('p', {}, v.dispatch.text), h('p', { id: 'dispatch-status' }, `${v.dispatch.statusText}（${time(v.dispatch.updatedAt)}）`))] : []),
    ...(v.document ? [documentSection(v)] : []),
    ...(v.document && v.claims.length ? [claimSection(v)] : []),
    ...(v.review ? [reviewSection(v)] : []),
    h('h2', {}, '处理进度'),
    h('ol', { id: 'timeline' }, ...v.timeline.map((e: any) => h('li', {}, `${time(e.at)} ${e.stateText ?? e.action}`))),
  ))
}

if (!caseId || !token) say('链接不完整，请从短信中的链接打开')
else render().catch((e: Error) => say(e.message))
