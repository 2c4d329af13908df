// The box's OCR of evidence stills: plates first, then licence cards on stills without a plate. Both
// share one reader (one engine) and one background loop, so stopping waits for every reading in
// flight before the engine closes, and both resume what a stop left pending.
import type { PlateReader } from '../../models/plate-reader.ts'
import type { CaseService } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import { createBackgroundReads } from './background-reads.ts'
import { createCardOcrService } from './card-ocr-service.ts'
import { createPlateOcrService } from './plate-ocr-service.ts'

export interface EvidenceOcrDeps {
  db: Db
  cases: CaseService
  reader: PlateReader
  dataDir: string
  now: () => Date
  timeZone: string
  log?: { warn(obj: object, msg: string): void }
}

export type EvidenceOcr = ReturnType<typeof createEvidenceOcr>

export function createEvidenceOcr({ db, cases, reader, dataDir, now, timeZone, log }: EvidenceOcrDeps) {
  const reads = createBackgroundReads({ dataDir, log })
  const cards = createCardOcrService({ db, cases, reader, reads, now, timeZone })
  const plates = createPlateOcrService({ db, cases, reader, reads, now, noPlate: cards })
  return {
    plates,
    cards,
    /** At start-up: plate readings first (they may queue cards), then the cards left pending. */
    resumePending(): { plates: number; cards: number } {
      return { plates: plates.resumePending(), cards: cards.resumePending() }
    },
    /** Waits for the readings in flight (tests, shutdown), then closes the engine. */
    async close() {
      await reads.close()
      await reader.close()
    },
  }
}
