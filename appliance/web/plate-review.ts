// Beside each still in the case panel: the plate OCR read, its colour, confidence and candidates,
// and the officer's confirmation or correction.
import { api, h } from './dom.ts'

const COLOUR_TEXT: Record<string, string> = {
  blue: '蓝牌', yellow: '黄牌', green: '绿牌', white: '白牌', black: '黑牌', 'yellow-green': '黄绿牌',
}
const percent = (p: number) => `${Math.round(p * 100)}%`

function readingText(r: any): string {
  if (r.status === 'pending') return '车牌识别中…'
  if (r.status === 'failed') return `无法识别：${r.errorText}`
  const best = r.readings[0]
  if (!best) return '未发现车牌'
  const colour = best.colour ? `${COLOUR_TEXT[best.colour] ?? ''} ` : ''
  return `识别：${best.text} ${colour}置信度 ${percent(best.confidence)}${best.valid ? '' : '（格式不符，请核对）'}`
}

function review(caseId: string, r: any, after: () => Promise<void>, say: (t: string) => void): HTMLElement {
  const input = h('input', { class: 'plate-input', value: r.confirmedPlate ?? r.machinePlate ?? '', placeholder: '号牌号码' })
  const confirm = h('button', { class: 'plate-confirm' }, r.confirmedPlate ? '修改' : '确认号牌')
  confirm.onclick = () => api('POST', `/api/cases/${caseId}/evidence/${r.evidenceId}/plate`, { plate: input.value.trim() }).then(after, (e: Error) => say(e.message))
  const candidates = (r.readings[0]?.candidates ?? []).slice(1).map((c: any) => {
    const b = h('button', { class: 'plate-candidate' }, `${c.plate} ${percent(c.score)}`)
    b.onclick = () => (input.value = c.plate)
    return b
  })
  const done = r.confirmedPlate ? [h('span', { class: 'plate-confirmed' }, `已确认：${r.confirmedPlate}${r.corrected ? '（已更正）' : ''}`)] : []
  return h('div', { class: 'plate-review' }, ...(candidates.length ? ['其他可能：', ...candidates] : []), input, confirm, ...done)
}

/**
 * One element per still: thumbnail, what OCR read, and the confirm/correct controls (none when no
 * plate reading is given: OCR off, or the still shows a licence card), then `card` (card-review.ts).
 */
export function stillWithPlate(caseId: string, e: any, r: any | undefined, after: () => Promise<void>, say: (t: string) => void, card: HTMLElement | null = null): HTMLElement {
  const img = h('img', { class: 'still', src: `/api/cases/${caseId}/evidence/${e.id}/image`, alt: '现场照片', width: '240' })
  const caption = `照片 ${e.capturedAt.slice(11, 19)} SHA-256 ${e.sha256.slice(0, 12)}…`
  const parts: Array<HTMLElement | string> = [img, caption]
  if (r) parts.push(h('p', { class: 'plate-reading' }, readingText(r)))
  if (r && r.status !== 'pending') parts.push(review(caseId, r, after, say))
  if (card) parts.push(card)
  return h('li', { 'data-sha256': e.sha256, 'data-evidence': e.id, class: 'still-item' }, ...parts)
}
