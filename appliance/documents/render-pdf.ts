// Renders the determination document to PDF (pdfkit, embedded CJK font, vector QR code). The output
// is deterministic for given content: fixed dates in the info dictionary, so the file ID and the
// bytes (and their sha256) do not depend on when it was rendered.
import { existsSync, readFileSync } from 'node:fs'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import { documentLines, partyLines, type DocumentContent } from './document-content.ts'

/** CJK fonts from Debian packages the setup installs (fonts-wqy-zenhei, fonts-noto-cjk). */
const FONTS: Array<{ file: string; family: string }> = [
  { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
]

export interface CjkFont {
  data: Buffer
  family: string
}

/** Read once by the document service, so a box without the font fails at start, not at its first service. */
export function loadCjkFont(): CjkFont {
  const f = FONTS.find((x) => existsSync(x.file))
  if (!f) throw new Error(`no CJK font found (install fonts-wqy-zenhei): looked for ${FONTS.map((x) => x.file).join(', ')}`)
  return { data: readFileSync(f.file), family: f.family }
}

export async function renderDocumentPdf(d: DocumentContent, verifyUrl: string, issuedAt: string, font: CjkFont): Promise<Buffer> {
  const fixed = new Date(issuedAt)
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: d.title, Author: d.issuingUnit, Subject: d.documentNo, Creator: 'Kuaichu', Producer: 'Kuaichu', CreationDate: fixed, ModDate: fixed },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.registerFont('cjk', font.data, font.family)
  doc.font('cjk')

  doc.fontSize(13).text(d.issuingUnit, { align: 'center' })
  doc.fontSize(18).text(d.title, { align: 'center' }).moveDown(0.5)
  const line = (label: string, value: string) => doc.fontSize(10.5).text(`${label}：${value}`)
  for (const [label, value] of documentLines(d)) line(label, value)
  for (const p of d.parties) {
    doc.moveDown(0.5).fontSize(12).text(`当事人（${p.label}）`)
    for (const [label, value] of partyLines(p)) line(label, value)
  }
  doc.moveDown(0.5).fontSize(12).text('事故事实')
  doc.fontSize(10.5).text(d.facts)
  doc.moveDown(0.5)
  line('办案民警', d.officer)
  line('送达时间', d.servedAt)
  line('复核申请期限', d.reviewDeadline)
  doc.fontSize(9.5).text(d.reviewHowTo).moveDown(0.5)
  doc.fontSize(9.5).text('本认定书由视频快处系统电子签名，扫描二维码可核验真伪。', { continued: false })

  // The QR code as vector squares: no image encoder involved, so the bytes stay deterministic.
  const qr = QRCode.create(verifyUrl, { errorCorrectionLevel: 'M' })
  const cell = 2.2
  const x0 = doc.page.width - 50 - qr.modules.size * cell
  const y0 = Math.min(doc.y + 6, doc.page.height - 60 - qr.modules.size * cell)
  for (let r = 0; r < qr.modules.size; r++) {
    for (let c = 0; c < qr.modules.size; c++) {
      if (qr.modules.get(r, c)) doc.rect(x0 + c * cell, y0 + r * cell, cell, cell)
    }
  }
  doc.fill('#000')
  doc.end()
  return done
}
