// Plates read off evidence stills, beside the request path: a stored still gets a pending reading
// at once, OCR runs in the background (background-reads.ts, models/ worker threads), and its result
// lands with an audit entry; a still without a plate is handed on to the card reader. The officer
// then confirms or corrects; the machine reading is kept next to the correction.
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm'
import type { PlateReader } from '../../models/plate-reader.ts'
import type { PlateReading } from '../../models/read-plates.ts'
import { votePlates } from '../../models/plate-vote.ts'
import { appendAudit, type Actor } from '../audit/audit-log.ts'
import { officerActor, type CaseService, type OfficerActor, type Tx } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import { parsePlate } from '../rules/plates.ts'
import type { BackgroundReads, ReadOutcome } from './background-reads.ts'
import { ocrFailureText } from './failure-text.ts'

const SYSTEM: Actor = { type: 'system', id: 'ocr' }
/** After a determination the evidence is closed: no more plate confirmations. */
const CONFIRMABLE_STATES = ['in_call', 'evidence_collected', 'verified', 'eligible', 'ineligible']

/** What is kept of a reading: enough to show and to learn from, without per-character tensors. */
export function storedReading(r: PlateReading) {
  return {
    text: r.text,
    raw: r.raw,
    valid: r.valid,
    kind: r.kind ?? null,
    colour: r.colour ?? null,
    confidence: Number(r.confidence.toFixed(4)),
    minCharConfidence: Number(r.minCharConfidence.toFixed(4)),
    doubleRow: r.doubleRow,
    box: r.box,
    candidates: r.candidates.map((c) => ({ plate: c.plate, score: Number(c.score.toFixed(4)) })),
    chars: r.chars.map((c) => ({ char: c.char, p: Number(c.p.toFixed(4)), alternatives: c.alternatives.map((a) => ({ char: a.char, p: Number(a.p.toFixed(4)) })) })),
  }
}
export type StoredReading = ReturnType<typeof storedReading>

export interface PlateOcrDeps {
  db: Db
  cases: CaseService
  reader: Pick<PlateReader, 'read'>
  reads: BackgroundReads
  now: () => Date
  /** A still without a plate may be a licence card: queued in the plate result's transaction, then started. */
  noPlate?: { queue(tx: Tx, caseId: string, evidenceId: string, at: string): void; start(caseId: string, evidenceId: string, filePath: string): void }
}

export type PlateOcrService = ReturnType<typeof createPlateOcrService>

export function createPlateOcrService({ db, cases, reader, reads, now, noPlate }: PlateOcrDeps) {
  const iso = () => now().toISOString()

  function store(caseId: string, evidenceId: string, filePath: string, outcome: ReadOutcome<PlateReading[]>): void {
    const at = iso()
    const plateless = outcome.ok && !outcome.value.some((r) => r.valid)
    db.transaction((tx) => {
      if (!outcome.ok) {
        tx.update(s.plateReadings).set({ status: 'failed', errorCode: outcome.errorCode, readAt: at }).where(eq(s.plateReadings.evidenceId, evidenceId)).run()
        appendAudit(tx, SYSTEM, 'evidence.plate_ocr_failed', caseId, { evidenceId, errorCode: outcome.errorCode }, at)
        return
      }
      const best = outcome.value[0]
      tx.update(s.plateReadings).set({
        status: 'read',
        machinePlate: best?.text ?? null,
        machineConfidence: best ? Number(best.confidence.toFixed(4)) : null,
        machineColour: best?.colour ?? null,
        readings: outcome.value.map(storedReading),
        readAt: at,
      }).where(eq(s.plateReadings.evidenceId, evidenceId)).run()
      appendAudit(tx, SYSTEM, 'evidence.plate_read', caseId, {
        evidenceId,
        plate: best?.text ?? null,
        valid: best?.valid ?? false,
        confidence: best ? Number(best.confidence.toFixed(4)) : null,
      }, at)
      if (plateless) noPlate?.queue(tx, caseId, evidenceId, at)
    })
    if (plateless) noPlate?.start(caseId, evidenceId, filePath)
  }

  function start(evidenceId: string, caseId: string, filePath: string): void {
    reads.run('plate OCR', evidenceId, filePath, (bytes) => reader.read(bytes), (outcome) => store(caseId, evidenceId, filePath, outcome))
  }

  return {
    /** A still was stored as evidence: record a pending reading (committed before the reply) and read it in the background. */
    schedule(caseId: string, evidenceId: string, filePath: string) {
      db.insert(s.plateReadings).values({ evidenceId, caseId, status: 'pending', createdAt: iso() }).run()
      start(evidenceId, caseId, filePath)
    },

    /** At start-up: stills whose reading was pending (or never recorded) when the box stopped. */
    resumePending(): number {
      const rows = db.select({ evidence: s.evidence, reading: s.plateReadings }).from(s.evidence)
        .leftJoin(s.plateReadings, eq(s.plateReadings.evidenceId, s.evidence.id))
        .where(and(eq(s.evidence.kind, 'still'), or(isNull(s.plateReadings.evidenceId), eq(s.plateReadings.status, 'pending'))))
        .all()
      for (const { evidence: e, reading } of rows) {
        if (!reading) db.insert(s.plateReadings).values({ evidenceId: e.id, caseId: e.caseId, status: 'pending', createdAt: iso() }).run()
        start(e.id, e.caseId, e.filePath)
      }
      return rows.length
    },

    /** The case's readings, one per still, with zh-CN failure text and the stills' vote. */
    list(caseId: string) {
      const rows = db.select().from(s.plateReadings).where(eq(s.plateReadings.caseId, caseId)).orderBy(asc(s.plateReadings.createdAt)).all()
      const readings = rows.map((r) => ({
        ...r,
        readings: (r.readings ?? []) as StoredReading[],
        errorText: ocrFailureText(r.errorCode),
      }))
      return { readings, vehicles: votePlates(readings.flatMap((r) => r.readings.slice(0, 1))) }
    },

    /** The officer confirms the machine's plate or types the right one; kept beside the machine reading. */
    confirm(caseId: string, evidenceId: string, officer: OfficerActor, plateText: string) {
      const parsed = parsePlate(plateText)
      if (!parsed.ok) fail('INVALID_PLATE', { reason: parsed.code, text: parsed.text })
      const plate = parsed.ok ? parsed.plate : ''
      return db.transaction((tx) => {
        const c = cases.loadCase(caseId)
        cases.assertHandler(c, officer)
        if (!CONFIRMABLE_STATES.includes(c.state)) fail('CASE_NOT_EDITABLE')
        const row = tx.select().from(s.plateReadings)
          .where(and(eq(s.plateReadings.evidenceId, evidenceId), eq(s.plateReadings.caseId, caseId))).get()
        if (!row) fail('EVIDENCE_NOT_FOUND')
        if (row!.status === 'pending') fail('OCR_PENDING')
        const corrected = plate !== row!.machinePlate
        const at = iso()
        tx.update(s.plateReadings).set({ confirmedPlate: plate, corrected, confirmedBy: officer.id, confirmedAt: at })
          .where(eq(s.plateReadings.evidenceId, evidenceId)).run()
        appendAudit(tx, officerActor(officer), corrected ? 'evidence.plate_corrected' : 'evidence.plate_confirmed', caseId, {
          evidenceId,
          machinePlate: row!.machinePlate,
          plate,
          previous: row!.confirmedPlate,
        }, at)
        return { evidenceId, plate, corrected, machinePlate: row!.machinePlate }
      })
    },

    /** The still's file for the console (same case only). */
    stillFile(caseId: string, evidenceId: string) {
      const e = db.select().from(s.evidence)
        .where(and(eq(s.evidence.id, evidenceId), eq(s.evidence.caseId, caseId), inArray(s.evidence.kind, ['still', 'document']))).get()
      return e ?? fail('EVIDENCE_NOT_FOUND')
    },
  }
}
