// The plate OCR case flow over real HTTP: a citizen's still is stored, read by the real OCR engine in
// the background, shown to the officer, confirmed or corrected (kept beside the machine reading,
// audited); bad images get a stable error on the reading and never take the box down.
import sharp from 'sharp'
import t from 'tap'
import { eq } from 'drizzle-orm'
import * as s from '../db/schema.ts'
import { renderPlateCrop, renderPlateFrame } from '../../models/render-plates.ts'
import { answeredCase, officer, startTestBox, uploadStill, type Caller, type TestBox } from '../test-support/test-box.ts'

const box = await startTestBox({}, { media: true, ocr: true })
t.teardown(() => box.close())
const { citizen, caseId, seat } = await answeredCase(box)

const postStill = (bytes: Uint8Array, contentType?: string) => uploadStill(citizen, caseId, bytes, contentType)

/** Polls the officer's view until the still's reading is no longer pending (no timing assertion). */
async function readingOf(caller: Caller, evidenceId: string, b: TestBox = box): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const r = await caller.get(`/api/cases/${caseId}/plate-readings`)
    if (r.status !== 200) throw new Error(JSON.stringify(r.body))
    const reading = r.body.readings.find((x: any) => x.evidenceId === evidenceId)
    if (reading && reading.status !== 'pending') return reading
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`reading of ${evidenceId} still pending (box ${b.url})`)
}

t.test('a still is read in the background and confirmed or corrected by the officer', async (t) => {
  const jpeg = renderPlateFrame('川A12345', 'blue')
  const up = await postStill(jpeg)
  t.equal(up.status, 201, 'the upload is acknowledged without waiting for OCR')
  const { evidenceId } = up.body

  const reading = await readingOf(seat, evidenceId)
  t.equal(reading.status, 'read')
  t.equal(reading.machinePlate, '川A12345', 'the machine reading')
  t.equal(reading.machineColour, 'blue')
  t.equal(reading.readings[0].valid, true)
  t.ok(reading.readings[0].confidence > 0.8)
  t.same(reading.readings[0].candidates[0], { plate: '川A12345', score: reading.readings[0].candidates[0].score })

  const img = await fetch(`${box.url}/api/cases/${caseId}/evidence/${evidenceId}/image`, { headers: { cookie: seat.cookie } })
  t.equal(img.status, 200)
  t.equal(img.headers.get('content-type'), 'image/jpeg')
  t.ok(Buffer.from(await img.arrayBuffer()).equals(jpeg), 'the officer sees the very still')

  const ok = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/plate`, { plate: '川A12345' })
  t.equal(ok.status, 200)
  t.same(ok.body, { evidenceId, plate: '川A12345', corrected: false, machinePlate: '川A12345' })

  const fixed = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/plate`, { plate: '川a·1234６' })
  t.equal(fixed.status, 200)
  t.same(fixed.body, { evidenceId, plate: '川A12346', corrected: true, machinePlate: '川A12345' }, 'normalised, marked corrected')

  const row = box.db.select().from(s.plateReadings).where(eq(s.plateReadings.evidenceId, evidenceId)).get()!
  const seatId = box.db.select().from(s.officers).where(eq(s.officers.username, 'seat01')).get()!.id
  t.match(row, { machinePlate: '川A12345', confirmedPlate: '川A12346', corrected: true, confirmedBy: seatId }, 'machine reading kept beside the correction')
  t.ok(row.confirmedAt, 'and when')

  const supervisor = await officer(box, 'supervisor01')
  const audit = await supervisor.get(`/api/cases/${caseId}/audit`)
  const actions = audit.body.map((e: any) => e.action)
  t.ok(actions.includes('evidence.plate_read'), 'the machine reading is audited')
  t.ok(actions.includes('evidence.plate_confirmed'))
  const correction = audit.body.find((e: any) => e.action === 'evidence.plate_corrected')
  t.match(JSON.parse(correction.detail), { evidenceId, machinePlate: '川A12345', plate: '川A12346', previous: '川A12345' })
})

t.test('confirmation is validated and guarded', async (t) => {
  const up = await postStill(renderPlateFrame('川AD12345', 'green'))
  const { evidenceId } = up.body
  const reading = await readingOf(seat, evidenceId)
  t.equal(reading.machinePlate, '川AD12345')
  t.equal(reading.machineColour, 'green')

  const bad = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/plate`, { plate: 'AB12345' })
  t.equal(bad.status, 422)
  t.equal(bad.body.code, 'INVALID_PLATE')
  const extra = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/plate`, { plate: '川A12345', note: 'x' })
  t.equal(extra.body.code, 'VALIDATION_FAILED')
  const unknown = await seat.post(`/api/cases/${caseId}/evidence/00000000-0000-4000-8000-000000000000/plate`, { plate: '川A12345' })
  t.equal(unknown.body.code, 'EVIDENCE_NOT_FOUND')
  const other = await officer(box, 'seat02')
  t.equal((await other.post(`/api/cases/${caseId}/evidence/${evidenceId}/plate`, { plate: '川A12345' })).body.code, 'CASE_ASSIGNED_ELSEWHERE')
  t.equal((await other.get(`/api/cases/${caseId}/plate-readings`)).body.code, 'CASE_ASSIGNED_ELSEWHERE')
  t.equal((await citizen.post(`/api/cases/${caseId}/evidence/${evidenceId}/plate`, { plate: '川A12345' })).status, 401, 'a citizen cannot confirm')
  const img = await fetch(`${box.url}/api/cases/${caseId}/evidence/${evidenceId}/image`)
  t.equal(img.status, 401, 'the still is not public')
  const row = box.db.select().from(s.plateReadings).where(eq(s.plateReadings.evidenceId, evidenceId)).get()!
  t.equal(row.confirmedPlate, null, 'nothing written by refused requests')
})

t.test('bad images: a clear error on the reading, and the box keeps working', async (t) => {
  const jpeg = renderPlateFrame('川A12345', 'blue')
  const black = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#000' } }).jpeg().toBuffer()
  const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#777' } }).png().toBuffer()
  const tiny = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer()
  const cases = [
    { name: 'truncated JPEG', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)), type: 'image/jpeg', code: 'IMAGE_TRUNCATED' },
    { name: 'JPEG magic bytes only', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), type: 'image/jpeg', code: 'IMAGE_TRUNCATED' },
    { name: 'empty (black) frame', bytes: black, type: 'image/jpeg', code: 'IMAGE_BLANK' },
    { name: '48 MP image', bytes: huge, type: 'image/png', code: 'IMAGE_TOO_LARGE' },
    { name: '4×4 image', bytes: tiny, type: 'image/png', code: 'IMAGE_TOO_SMALL' },
  ]
  for (const c of cases) {
    const up = await postStill(c.bytes, c.type)
    t.equal(up.status, 201, `${c.name}: stored as evidence all the same`)
    const reading = await readingOf(seat, up.body.evidenceId)
    t.equal(reading.status, 'failed', c.name)
    t.equal(reading.errorCode, c.code, c.name)
    t.match(reading.errorText, /[\u4e00-\u9fff]/, `${c.name}: zh-CN text for the officer`)
    const confirm = await seat.post(`/api/cases/${caseId}/evidence/${up.body.evidenceId}/plate`, { plate: '川A54321' })
    t.equal(confirm.body.corrected, true, `${c.name}: the officer types the plate instead`)
  }
  const notImage = await postStill(Buffer.from('plain text, not a picture'))
  t.equal(notImage.body.code, 'EVIDENCE_NOT_AN_IMAGE', 'a non-image is refused at the door')
  t.equal((await fetch(`${box.url}/api/health`)).status, 200, 'the box is up')
  const after = await postStill(renderPlateCrop('川A88888', 'blue'), 'image/png')
  t.equal((await readingOf(seat, after.body.evidenceId)).machinePlate, '川A88888', 'and still reads plates')
})

t.test('the stills of one vehicle vote', async (t) => {
  const r = await seat.get(`/api/cases/${caseId}/plate-readings`)
  const vehicle = r.body.vehicles.find((v: any) => v.plate === '川A12345')
  t.ok(vehicle, JSON.stringify(r.body.vehicles))
  t.ok(vehicle.support >= 1)
})
