// The licence-card case flow over real HTTP: a citizen's photo of a 驾驶证 or 行驶证 shows no plate,
// so the real OCR engine reads it as a card in the background; its fields are proposed to the officer
// with their validation, and applied to a party (corrected first) through the party update path —
// machine reading and applied values both kept, every step audited, bad input refused cleanly.
import sharp from 'sharp'
import t from 'tap'
import { eq } from 'drizzle-orm'
import * as s from '../db/schema.ts'
import { renderDrivingLicence, renderVehicleLicence } from '../../models/render-cards.ts'
import { renderPlateFrame } from '../../models/render-plates.ts'
import { DRIVER, VEHICLE } from '../test-support/card-samples.ts'
import { answeredCase, officer, startTestBox, uploadStill, type Caller } from '../test-support/test-box.ts'

const box = await startTestBox({}, { media: true, ocr: true })
t.teardown(() => box.close())
const { citizen, caseId, seat } = await answeredCase(box)
const supervisor = await officer(box, 'supervisor01')

const postStill = (bytes: Uint8Array, contentType?: string) => uploadStill(citizen, caseId, bytes, contentType)

/** Polls until the still's plate reading is done and, when it found no plate, its card reading too. */
async function readingsOf(caller: Caller, evidenceId: string): Promise<{ plate: any; card: any }> {
  for (let i = 0; i < 900; i++) {
    const plates = await caller.get(`/api/cases/${caseId}/plate-readings`)
    const cards = await caller.get(`/api/cases/${caseId}/card-readings`)
    if (plates.status !== 200 || cards.status !== 200) throw new Error(JSON.stringify([plates.body, cards.body]))
    const plate = plates.body.readings.find((x: any) => x.evidenceId === evidenceId)
    const card = cards.body.readings.find((x: any) => x.evidenceId === evidenceId)
    const plateDone = plate && plate.status !== 'pending'
    const needsCard = plateDone && plate.status === 'read' && !plate.readings.some((r: any) => r.valid)
    if (plateDone && (!needsCard || (card && card.status !== 'pending'))) return { plate, card }
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`readings of ${evidenceId} still pending`)
}

const fieldOf = (card: any, name: string) => card.fields.find((f: any) => f.name === name)
const auditOf = async () => (await supervisor.get(`/api/cases/${caseId}/audit`)).body as any[]
const partyRow = (id: string) => box.db.select().from(s.parties).where(eq(s.parties.id, id)).get()!
const cardRow = (id: string) => box.db.select().from(s.cardReadings).where(eq(s.cardReadings.evidenceId, id)).get()!

// The officer added the party by voice first: a name heard wrong, a phone, no documents yet.
const added = await seat.post(`/api/cases/${caseId}/parties`, { name: '张玮', phone: '13800138000' })
const partyId: string = added.body.parties[0].id

t.test('a driving licence is read, proposed, corrected and applied to the party', async (t) => {
  const up = await postStill(renderDrivingLicence(DRIVER, [3, 0, 6, 1, 5, 2, 4]))
  t.equal(up.status, 201, 'the upload does not wait for OCR')
  const { evidenceId } = up.body
  const { plate, card } = await readingsOf(seat, evidenceId)
  t.same(plate.readings.filter((r: any) => r.valid), [], 'no plate on the card')
  t.match(card, { status: 'read', cardType: 'driving-licence', cardTypeText: '驾驶证' })
  t.match(fieldOf(card, 'idNumber'), { label: '证号', value: DRIVER.idNumber, valid: true, errorText: null })
  t.match(fieldOf(card, 'classes'), { label: '准驾车型', value: 'C1', valid: true })
  t.same(card.proposal, { name: '张伟', idNumber: DRIVER.idNumber, licenceClasses: ['C1'], licenceValidUntil: DRIVER.validUntil })

  // The officer corrects the validity date (say the photo was read wrong) and applies the rest as proposed.
  const fields = { ...card.proposal, licenceValidUntil: '2028-05-09' }
  const r = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/card`, { partyId, fields })
  t.equal(r.status, 200, JSON.stringify(r.body))
  t.same(r.body, { evidenceId, partyId, cardType: 'driving-licence', applied: fields, corrected: ['licenceValidUntil'] })

  t.match(partyRow(partyId), {
    name: '张伟', phone: '13800138000', idNumber: DRIVER.idNumber, licenceNumber: DRIVER.idNumber,
    licenceClasses: 'C1', licenceValidUntil: '2028-05-09',
  }, 'the party carries the applied values, the rest unchanged')
  const row = cardRow(evidenceId)
  const seatId = box.db.select().from(s.officers).where(eq(s.officers.username, 'seat01')).get()!.id
  t.match(row, { appliedPartyId: partyId, corrected: true, appliedBy: seatId, applied: fields })
  t.equal((row.fields as any).validUntil.value, DRIVER.validUntil, 'the machine reading is kept beside the correction')

  const audit = await auditOf()
  const actions = audit.map((e) => e.action)
  t.ok(actions.includes('evidence.card_read'), 'the machine reading is audited')
  const update = audit.filter((e) => e.action === 'party.updated').at(-1)
  t.match(JSON.parse(update.detail), { partyId }, 'the party update is audited as any party update')
  const applied = audit.find((e) => e.action === 'evidence.card_corrected')
  t.match(JSON.parse(applied.detail), { evidenceId, partyId, machine: card.proposal, applied: fields, corrected: ['licenceValidUntil'], previous: null })
  t.ok(update.seq < applied.seq, 'in the same transaction, the party first')
})

t.test('a vehicle licence gives the party its vehicle; the registry then checks what was applied', async (t) => {
  const { evidenceId } = (await postStill(renderVehicleLicence(VEHICLE))).body
  const { card } = await readingsOf(seat, evidenceId)
  t.match(card, { cardType: 'vehicle-licence', cardTypeText: '行驶证' })
  t.match(fieldOf(card, 'vin'), { label: '车辆识别代号', value: VEHICLE.vin, valid: true })
  t.same(card.proposal, { plate: '川A12345', vehicleType: 'small-car' }, '小型轿车 → small-car')
  const r = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/card`, { partyId, fields: card.proposal })
  t.same(r.body.corrected, [])
  const vehicle = box.db.select().from(s.vehicles).where(eq(s.vehicles.partyId, partyId)).get()
  t.match(vehicle, { plate: '川A12345', vehicleType: 'small-car' })
  t.match(partyRow(partyId), { name: '张伟', idNumber: DRIVER.idNumber }, 'the driving licence fields stay')
  t.ok((await auditOf()).some((e) => e.action === 'evidence.card_applied'))

  await seat.post(`/api/cases/${caseId}/evidence-complete`)
  const verified = await seat.post(`/api/cases/${caseId}/verify`)
  t.equal(verified.status, 200)
  t.match(verified.body.parties[0], { licenceStatus: 'valid', vehicle: { registrationStatus: 'valid', insuranceStatus: 'valid' } })
  const late = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/card`, { partyId, fields: card.proposal })
  t.equal(late.body.code, 'CASE_NOT_EDITABLE', 'after verification, as for any party update')
  t.equal((await seat.post(`/api/cases/${caseId}/reopen`)).status, 200)
})

t.test('a field that fails validation is shown so, and refused until corrected', async (t) => {
  const wrong = { ...DRIVER, idNumber: '510104198503120417' } // check digit off by one
  const { evidenceId } = (await postStill(renderDrivingLicence(wrong))).body
  const { card } = await readingsOf(seat, evidenceId)
  t.match(fieldOf(card, 'idNumber'), { valid: false, error: 'ID_CHECKSUM', errorText: /校验码不正确/ })
  const before = partyRow(partyId)
  const r = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/card`, { partyId, fields: { idNumber: card.proposal.idNumber } })
  t.equal(r.status, 422)
  t.equal(r.body.code, 'INVALID_ID_NUMBER', 'the party rules refuse it')
  t.same(partyRow(partyId), before, 'party untouched')
  t.equal(cardRow(evidenceId).applied, null, 'nothing recorded on the reading')
  const fixed = await seat.post(`/api/cases/${caseId}/evidence/${evidenceId}/card`, { partyId, fields: { idNumber: DRIVER.idNumber } })
  t.same(fixed.body.corrected, ['idNumber'])
})

t.test('requests are validated and guarded', async (t) => {
  const { evidenceId } = (await postStill(renderVehicleLicence(VEHICLE))).body
  await readingsOf(seat, evidenceId)
  const apply = (caller: Caller, body: unknown, still = evidenceId) => caller.post(`/api/cases/${caseId}/evidence/${still}/card`, body)
  const codes: Array<[unknown, string]> = [
    [{ partyId, fields: { name: '张伟' } }, 'CARD_FIELD_NOT_ON_CARD'],
    [{ partyId, fields: {} }, 'VALIDATION_FAILED'],
    [{ partyId, fields: { plate: '川A12345' }, note: 'x' }, 'VALIDATION_FAILED'],
    [{ partyId, fields: { vehicleType: 'spaceship' } }, 'VALIDATION_FAILED'],
    [{ partyId: 'not-a-uuid', fields: { plate: '川A12345' } }, 'VALIDATION_FAILED'],
    [{ partyId, fields: { plate: 'AB12345' } }, 'INVALID_PLATE'],
    [{ partyId: '00000000-0000-4000-8000-000000000000', fields: { plate: '川A12345' } }, 'PARTY_NOT_FOUND'],
  ]
  for (const [body, code] of codes) t.equal((await apply(seat, body)).body.code, code, JSON.stringify(body))
  for (const bad of [[], 'text', 42, null]) t.equal((await apply(seat, bad)).body.code, 'VALIDATION_FAILED', JSON.stringify(bad))
  const raw = (body: string, type: string) => seat.call('POST', `/api/cases/${caseId}/evidence/${evidenceId}/card`, undefined, body, type)
  t.equal((await raw('{"partyId":', 'application/json')).body.code, 'MALFORMED_JSON')
  t.equal((await raw('partyId=x', 'text/plain')).body.code, 'UNSUPPORTED_MEDIA_TYPE')
  const image = await raw('\xff\xd8\xff\xe0', 'image/jpeg')
  t.equal(image.body.code, 'UNSUPPORTED_MEDIA_TYPE', 'an image is not a body (the still parser is the upload route\'s own)')
  t.equal((await raw(JSON.stringify({ partyId, fields: { name: 'y'.repeat(70 * 1024) } }), 'application/json')).body.code, 'BODY_TOO_LARGE')

  const bare = await seat.post(`/api/cases/${caseId}/parties`, { name: '李四', phone: '13900139000' })
  const bareId = bare.body.parties.at(-1).id
  t.equal((await apply(seat, { partyId: bareId, fields: { plate: '川A12345' } })).body.code, 'CARD_VEHICLE_TYPE_REQUIRED', 'no vehicle and no type')

  const unknown = await apply(seat, { partyId, fields: { plate: '川A12345' } }, '00000000-0000-4000-8000-000000000000')
  t.equal(unknown.body.code, 'EVIDENCE_NOT_FOUND')
  const plateStill = (await postStill(renderPlateFrame('川A54321', 'blue'))).body.evidenceId
  await readingsOf(seat, plateStill)
  t.equal((await apply(seat, { partyId, fields: { plate: '川A12345' } }, plateStill)).body.code, 'CARD_NOT_READ', 'a plate photo is not a card')

  const other = await officer(box, 'seat02')
  t.equal((await apply(other, { partyId, fields: { plate: '川A12345' } })).body.code, 'CASE_ASSIGNED_ELSEWHERE')
  t.equal((await other.get(`/api/cases/${caseId}/card-readings`)).body.code, 'CASE_ASSIGNED_ELSEWHERE')
  t.equal((await apply(citizen, { partyId, fields: { plate: '川A12345' } })).status, 401, 'a citizen cannot apply')
  t.equal(cardRow(evidenceId).applied, null, 'nothing written by refused requests')
})

t.test('bad images: a clear error, no card reading, and the box keeps reading cards', async (t) => {
  const jpeg = renderDrivingLicence(DRIVER)
  const truncated = await postStill(jpeg.subarray(0, Math.floor(jpeg.length / 2)))
  const { plate } = await readingsOf(seat, truncated.body.evidenceId)
  t.equal(plate.errorCode, 'IMAGE_TRUNCATED')
  t.notOk(box.db.select().from(s.cardReadings).where(eq(s.cardReadings.evidenceId, truncated.body.evidenceId)).get(), 'a broken file is not read twice')

  const noise = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer()
  const nothing = await postStill(noise)
  const { card } = await readingsOf(seat, nothing.body.evidenceId)
  t.match(card, { status: 'read', cardType: null, proposal: null, fields: [] }, 'neither plate nor card')
  const r = await seat.post(`/api/cases/${caseId}/evidence/${nothing.body.evidenceId}/card`, { partyId, fields: { plate: '川A12345' } })
  t.equal(r.body.code, 'CARD_NOT_READ')

  t.equal((await postStill(Buffer.from('%PDF-1.4 not a photo'))).body.code, 'EVIDENCE_NOT_AN_IMAGE', 'a non-image is refused at the door')
  t.equal((await fetch(`${box.url}/api/health`)).status, 200, 'the box is up')
  const after = await postStill(renderVehicleLicence(VEHICLE))
  t.match((await readingsOf(seat, after.body.evidenceId)).card, { cardType: 'vehicle-licence' }, 'and still reads cards')
})
