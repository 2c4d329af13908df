// The signed determination through the real box: the PDF's fields against the determination
// (read back with pdftotext), deterministic rendering, and verification passing and failing.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { identityFromPrivateKey } from '../../provisioning/node-identity.ts'
import { DEMO_RECORDS } from '../registry/demo-registry.ts'
import { DETERMINATION, servedCase, startOutsideDoubles } from '../test-support/served-case.ts'
import { officer, startTestBox } from '../test-support/test-box.ts'
import { loadCjkFont, renderDocumentPdf } from './render-pdf.ts'
import { sha256Hex, signDocument, verifyDocument } from './signing.ts'

const pdfText = (pdf: Buffer) => {
  const dir = mkdtempSync(join(tmpdir(), 'kuaichu-pdf-'))
  writeFileSync(join(dir, 'd.pdf'), pdf)
  return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'd.pdf'), '-'], { encoding: 'utf8' })
}

t.test('the served document carries every field of the determination and verifies', async (t) => {
  const doubles = await startOutsideDoubles()
  const box = await startTestBox(doubles.config)
  t.teardown(async () => { await box.close(); await doubles.close() })
  const { caseId, seat, served } = await servedCase(box)
  t.equal(served.state, 'served')

  const res = await fetch(`${box.url}/api/cases/${caseId}/document.pdf`, { headers: { cookie: seat.cookie } })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'application/pdf')
  const pdf = Buffer.from(await res.arrayBuffer())
  const text = pdfText(pdf).replace(/\s+/g, '')
  const has = (s: string, what = s) => t.ok(text.includes(s.replace(/\s+/g, '')), `PDF shows ${what}`)

  has('道路交通事故认定书（简易程序）', 'title')
  has(box.config.district.issuingUnit, 'issuing unit')
  has('成公交锦江区简认字〔2026〕第00001号', 'document number')
  has(served.caseNo, 'case number')
  has('2026年11月26日10时00分', 'accident time (the report time, Chengdu)')
  has('天气：晴')
  has(`事故形态：${DETERMINATION.accidentType}`)
  has(`碰撞部位：${DETERMINATION.impactPoints}`)
  has(DETERMINATION.facts, 'facts')
  for (const [rec, phone, liability] of [[DEMO_RECORDS.validCar, '13800138000', '全部责任'], [DEMO_RECORDS.validNewEnergy, '13900139000', '无责任']] as const) {
    const p = served.parties.find((x: any) => x.name === rec.name)
    has(`姓名：${rec.name}`)
    has(`驾驶证/身份证号：${rec.licenceNumber}`)
    has(`联系电话：${phone}`)
    has(`号牌号码：${rec.plate}`)
    has(`保险公司：${p.vehicle.insurer}`)
    has(`保险凭证号：${p.vehicle.policyNumber}`)
    has(`事故责任：${liability}`)
  }
  has('车辆类型：小型汽车')
  has(`违法行为：${DETERMINATION.violation}`)
  has(`违法条款：${DETERMINATION.clause}`)
  has('办案民警：')
  has('送达时间：2026年11月26日10时00分')
  has('复核申请期限：2026年11月29日10时00分')
  has('三日内提出书面复核申请', 'how to apply for review')

  // The QR code's target and the verification API.
  const sup = await officer(box, 'supervisor01')
  const view = (await sup.get(`/api/cases/${caseId}`)).body
  t.ok(view.times.servedAt)
  const doc = box.db.$client.prepare('SELECT * FROM determination_documents WHERE case_id = ?').get(caseId) as any
  t.equal(doc.pdf_sha256, sha256Hex(pdf), 'the recorded hash is the served file')
  let r = await fetch(`${box.url}/api/verify/${doc.id}`).then((x) => x.json()) as any
  t.equal(r.authentic, true, 'authentic')
  t.same(r.failures, [])
  t.same(r.findings, [{ label: '甲方', liability: '全部责任' }, { label: '乙方', liability: '无责任' }])
  t.notOk(JSON.stringify(r).includes(DEMO_RECORDS.validCar.name), 'no personal data on the public verification')

  const post = (bytes: Buffer) => fetch(`${box.url}/api/verify/${doc.id}/pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) }).then((x) => x.json()) as Promise<any>
  r = await post(pdf)
  t.equal(r.authentic, true, 'the holder’s unmodified PDF verifies')
  const edited = Buffer.from(pdf)
  const mid = Math.floor(edited.length / 2)
  edited[mid] = edited[mid]! ^ 0x01
  r = await post(edited)
  t.equal(r.authentic, false, 'an edited PDF fails')
  t.same(r.failures.map((f: any) => f.code), ['PDF_MISMATCH'])

  // Bad input: unknown document, wrong body type, too large a file.
  let x = await fetch(`${box.url}/api/verify/00000000-0000-4000-8000-000000000000`)
  t.equal(((await x.json()) as any).code, 'DOCUMENT_NOT_FOUND')
  x = await fetch(`${box.url}/api/verify/${doc.id}/pdf`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })
  t.equal(((await x.json()) as any).code, 'UNSUPPORTED_MEDIA_TYPE')
  x = await fetch(`${box.url}/api/verify/${doc.id}/pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(6 * 1024 * 1024) })
  t.equal(((await x.json()) as any).code, 'BODY_TOO_LARGE')

  // Offline check with the published key, and a document signed by another key.
  const published = await fetch(`${box.url}/api/verify/${doc.id}`).then((x) => x.json()) as any
  t.same(verifyDocument({ content: JSON.parse(doc.content), pdfSha256: published.pdfSha256, signature: published.signature, publicKeyPem: published.publicKeyPem, pdf }), { authentic: true, failures: [] }, 'verifies offline with the published key')
  const stranger = identityFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
  const foreign = signDocument(stranger, JSON.parse(doc.content), doc.pdf_sha256).signature
  box.db.$client.prepare('UPDATE determination_documents SET signature = ? WHERE id = ?').run(foreign, doc.id)
  r = await fetch(`${box.url}/api/verify/${doc.id}`).then((x) => x.json())
  t.same(r.failures.map((f: any) => f.code), ['SIGNATURE_INVALID'], 'a signature by another key fails')
  box.db.$client.prepare('UPDATE determination_documents SET signature = ? WHERE id = ?').run(doc.signature, doc.id)

  // Edited data: the case store changed after issue (liability swapped behind the box's back).
  box.db.$client.prepare("UPDATE determination_parties SET liability = '同等'").run()
  r = await fetch(`${box.url}/api/verify/${doc.id}`).then((x) => x.json())
  t.equal(r.authentic, false, 'edited data fails')
  t.same(r.failures.map((f: any) => f.code), ['DATA_CHANGED'])

  // Deterministic: the same content renders to the same bytes.
  const content = JSON.parse(doc.content)
  const again = await renderDocumentPdf(content, `${box.url}/verify/${doc.id}`, doc.issued_at, loadCjkFont())
  t.equal(sha256Hex(again), doc.pdf_sha256, 'same content, same PDF hash')
  t.equal(readFileSync(join(box.dataDir, doc.pdf_path)).equals(pdf), true, 'stored copy is the served file')
})

t.test('signature: edited content and a wrong key fail', async (t) => {
  const mk = () => identityFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
  const box = mk()
  const other = mk()
  const content = { documentNo: 'X-1', parties: [{ label: '甲方', liability: '全部责任' }] }
  const pdfSha256 = sha256Hex('pdf bytes')
  const { signature } = signDocument(box, content, pdfSha256)
  const ok = verifyDocument({ content, pdfSha256, signature, publicKeyPem: box.publicKeyPem })
  t.same(ok, { authentic: true, failures: [] })
  const edited = { ...content, parties: [{ label: '甲方', liability: '次要责任' }] }
  t.same(verifyDocument({ content: edited, pdfSha256, signature, publicKeyPem: box.publicKeyPem }).failures, ['SIGNATURE_INVALID'], 'edited data')
  t.same(verifyDocument({ content, pdfSha256: sha256Hex('other'), signature, publicKeyPem: box.publicKeyPem }).failures, ['SIGNATURE_INVALID'], 'another PDF hash')
  t.same(verifyDocument({ content, pdfSha256, signature, publicKeyPem: other.publicKeyPem }).failures, ['SIGNATURE_INVALID'], 'wrong key')
  const forged = signDocument(other, content, pdfSha256).signature
  t.same(verifyDocument({ content, pdfSha256, signature: forged, publicKeyPem: box.publicKeyPem }).failures, ['SIGNATURE_INVALID'], 'signed by another key')
  t.same(verifyDocument({ content, pdfSha256, signature, publicKeyPem: box.publicKeyPem, pdf: Buffer.from('pdf bytes!') }).failures, ['PDF_MISMATCH'])
})
