// A still stored while OCR was not running (stopped box, OCR off) is read at the next start.
import t from 'tap'
import { eq } from 'drizzle-orm'
import { createPlateReader } from '../../models/plate-reader.ts'
import { renderPlateFrame } from '../../models/render-plates.ts'
import { createCaseService } from '../cases/case-service.ts'
import { createRegistryClient } from '../registry/client.ts'
import * as s from '../db/schema.ts'
import { answeredCase, startTestBox } from '../test-support/test-box.ts'
import { createPlateOcrService } from './plate-ocr-service.ts'

t.test('pending and never-read stills are read by resumePending', async (t) => {
  const box = await startTestBox({}, { media: true }) // no OCR in this box
  t.teardown(() => box.close())
  const { citizen, caseId } = await answeredCase(box)
  const res = await fetch(`${box.url}/api/citizen/cases/${caseId}/stills`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${citizen.bearer}` },
    body: new Uint8Array(renderPlateFrame('川A67890', 'blue')),
  })
  const { evidenceId } = (await res.json()) as { evidenceId: string }
  t.equal(box.db.select().from(s.plateReadings).all().length, 0, 'stored unread')

  const cases = createCaseService({ db: box.db, config: box.config, registry: createRegistryClient({ baseUrl: box.registry.url, timeoutMs: 500 }), now: () => box.clock.now })
  const ocr = createPlateOcrService({ db: box.db, cases, reader: createPlateReader({ workers: 1, homePrefix: '川A' }), dataDir: box.dataDir, now: () => box.clock.now })
  t.equal(ocr.resumePending(), 1, 'one still to read')
  let row = box.db.select().from(s.plateReadings).where(eq(s.plateReadings.evidenceId, evidenceId)).get()
  for (let i = 0; i < 600 && row?.status === 'pending'; i++) {
    await new Promise((r) => setTimeout(r, 100))
    row = box.db.select().from(s.plateReadings).where(eq(s.plateReadings.evidenceId, evidenceId)).get()
  }
  t.match(row, { status: 'read', machinePlate: '川A67890', caseId })
  t.equal(ocr.resumePending(), 0, 'nothing left')
  await ocr.close()
})
