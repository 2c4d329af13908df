// A still stored while OCR was not running (stopped box, OCR off) is read at the next start; so is a
// licence card whose reading a stop left pending.
import t from 'tap'
import { eq } from 'drizzle-orm'
import { createPlateReader } from '../../models/plate-reader.ts'
import { renderDrivingLicence, renderVehicleLicence } from '../../models/render-cards.ts'
import { renderPlateFrame } from '../../models/render-plates.ts'
import { createCaseService } from '../cases/case-service.ts'
import { createRegistryClient } from '../registry/client.ts'
import * as s from '../db/schema.ts'
import { answeredCase, startTestBox, uploadStill, type TestBox } from '../test-support/test-box.ts'
import { createEvidenceOcr } from './evidence-ocr.ts'
import { DRIVER, VEHICLE } from '../test-support/card-samples.ts'

async function until<T>(read: () => T, done: (v: T) => boolean): Promise<T> {
  let v = read()
  for (let i = 0; i < 900 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 100))
    v = read()
  }
  return v
}

const evidenceOcr = (box: TestBox) => createEvidenceOcr({
  db: box.db,
  cases: createCaseService({ db: box.db, config: box.config, registry: createRegistryClient({ baseUrl: box.registry.url, timeoutMs: 500 }), now: () => box.clock.now }),
  reader: createPlateReader({ workers: 1, homePrefix: '川A' }),
  dataDir: box.dataDir,
  now: () => box.clock.now,
  timeZone: box.config.service.timeZone,
})

t.test('pending and never-read stills are read at the next start; a still without a plate is read as a card', async (t) => {
  const box = await startTestBox({}, { media: true }) // no OCR in this box
  t.teardown(() => box.close())
  const { citizen, caseId } = await answeredCase(box)
  const upload = async (bytes: Uint8Array) => (await uploadStill(citizen, caseId, bytes)).body.evidenceId as string
  const plateStill = await upload(renderPlateFrame('川A67890', 'blue'))
  const cardStill = await upload(renderVehicleLicence(VEHICLE))
  t.equal(box.db.select().from(s.plateReadings).all().length, 0, 'stored unread')

  const ocr = evidenceOcr(box)
  t.teardown(() => ocr.close())
  t.same(ocr.resumePending(), { plates: 2, cards: 0 }, 'two stills to read')
  const plate = await until(() => box.db.select().from(s.plateReadings).where(eq(s.plateReadings.evidenceId, plateStill)).get(), (r) => r?.status !== 'pending')
  t.match(plate, { status: 'read', machinePlate: '川A67890', caseId })
  const card = await until(() => box.db.select().from(s.cardReadings).where(eq(s.cardReadings.evidenceId, cardStill)).get(), (r) => r !== undefined && r.status !== 'pending')
  t.match(card, { status: 'read', cardType: 'vehicle-licence', caseId })
  t.equal((card!.fields as any).plate.value, VEHICLE.plate, 'the plate printed on the card')
  t.notOk(box.db.select().from(s.cardReadings).where(eq(s.cardReadings.evidenceId, plateStill)).get(), 'a still with a plate is not read as a card')
  t.same(ocr.resumePending(), { plates: 0, cards: 0 }, 'nothing left')
})

t.test('a card reading left pending by a stop is read at the next start', async (t) => {
  const box = await startTestBox({}, { media: true })
  t.teardown(() => box.close())
  const { citizen, caseId } = await answeredCase(box)
  const { evidenceId } = (await uploadStill(citizen, caseId, renderDrivingLicence(DRIVER))).body as { evidenceId: string }
  // What a stop between the plate result and the card result leaves behind.
  const at = box.clock.now.toISOString()
  box.db.insert(s.plateReadings).values({ evidenceId, caseId, status: 'read', readings: [], readAt: at, createdAt: at }).run()
  box.db.insert(s.cardReadings).values({ evidenceId, caseId, status: 'pending', createdAt: at }).run()

  const ocr = evidenceOcr(box)
  t.teardown(() => ocr.close())
  t.same(ocr.resumePending(), { plates: 0, cards: 1 })
  const card = await until(() => box.db.select().from(s.cardReadings).where(eq(s.cardReadings.evidenceId, evidenceId)).get(), (r) => r?.status !== 'pending')
  t.match(card, { status: 'read', cardType: 'driving-licence' })
  t.equal((card!.fields as any).idNumber.value, DRIVER.idNumber)
})
