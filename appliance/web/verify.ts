// Verification page the document's QR code leads to: is the document authentic? Optionally checks
// the PDF file the visitor holds against the one the box signed.
import { $, h, show } from './dom.ts'

const documentId = location.pathname.split('/').pop() ?? ''
const main = $('#main')

function result(r: any): HTMLElement {
  return h('div', { id: 'result', class: r.authentic ? 'ok' : 'bad' },
    h('h2', {}, r.authentic ? '✔ 认定书真实有效' : '✘ 认定书核验未通过'),
    ...r.failures.map((f: any) => h('p', { class: 'warn' }, f.text)),
    h('p', {}, `文书编号：${r.documentNo}`),
    h('p', {}, `签发单位：${r.issuingUnit}`),
    h('p', {}, `送达时间：${r.servedAt}`),
    h('ul', {}, ...r.findings.map((f: any) => h('li', {}, `${f.label}：${f.liability}`))),
    h('p', {}, `文件指纹（SHA-256）：${r.pdfSha256}`),
  )
}

async function check(pdf?: File) {
  const res = pdf
    ? await fetch(`/api/verify/${documentId}/pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf })
    : await fetch(`/api/verify/${documentId}`)
  const r = await res.json()
  if (!res.ok) return h('p', { class: 'warn', id: 'result' }, r.message ?? '核验失败')
  return result(r)
}

async function render(pdf?: File) {
  const file = h('input', { type: 'file', accept: 'application/pdf', id: 'pdf-file' })
  file.onchange = () => { if (file.files?.[0]) void render(file.files[0]) }
  show(main, h('div', {}, h('h1', {}, '认定书核验'), await check(pdf), h('p', {}, '核验您手中的认定书文件：'), file))
}

void render()
