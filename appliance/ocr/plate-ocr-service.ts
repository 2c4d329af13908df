// Plates read off evidence stills, beside the request path: a stored still gets a pending reading
// at once, OCR runs in the background (models/ worker threads), and its result lands with an audit
// entry. The officer then confirms or corrects; the machine reading is kept next to the correction.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm'
import type { PlateReader } from '../../models/plate-reader.ts'
import type { PlateReading } from '../../models/read-plates.ts'
import { isOcrErrorCode } from '../../models/errors.ts'
import { votePlates } from '../../models/plate-vote.ts'
import { appendAudit, type Actor } from '../audit/audit-log.ts'
import { officerActor, type CaseService, type OfficerActor } from '../cases/case-service.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import { parsePlate } from '../rules/plates.ts'
import { OCR_FAILURE_TEXT } from './failure-text.ts'

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
  reader: PlateReader
  dataDir: string
  now: () => Date
  log?: { warn(obj: object, msg: string): void }
}

export type PlateOcrService = ReturnType<typeof createPlateOcrService>

export function createPlateOcrService({ db, cases, reader, dataDir, now, log }: PlateOcrDeps) {
  const iso = () => now().toISOString()
  const inFlight = new Set<Promise<void>>()
  let closed = false

  async function run(evidenceId: string, caseId: string, filePath: string): Promise<void> {
    let outcome: { readings: PlateReading[] } | { errorCode: string }
    try {
      outcome = { readings: await reader.read(await readFile(join(dataDir, filePath))) }
    } catch (err) {
      const code = (err as { code?: unknown }).code
      outcome = { errorCode: isOcrErrorCode(code) ? code : 'OCR_WORKER_FAILED' }
      if (!isOcrErrorCode(code)) log?.warn({ err, evidenceId }, 'plate OCR failed unexpectedly')
    }
    if (closed) return // the box is stopping: the reading stays pending and is redone at next start
    const at = iso()
    db.transaction((tx) => {
      if ('errorCode' in outcome) {
        tx.update(s.plateReadings).set({ status: 'failed', errorCode: outcome.errorCode, readAt: at }).where(eq(s.plateReadings.evidenceId, evidenceId)).run()
        appendAudit(tx, SYSTEM, 'evidence.plate_ocr_failed', caseId, { evidenceId, errorCode: outcome.errorCode }, at)
        return
      }
      const best = outcome.readings[0]
      tx.update(s.plateReadings).set({
        status: 'read',
        machinePlate: best?.text ?? null,
        machineConfidence: best ? Number(best.confidence.toFixed(4)) : null,
        machineColour: best?.colour ?? null,
        readings: outcome.readings.map(storedReading),
        readAt: at,
      }).where(eq(s.plateReadings.evidenceId, evidenceId)).run()
      appendAudit(tx, SYSTEM, 'evidence.plate_read', caseId, {
        evidenceId,
        plate: best?.text ?? null,
        valid: best?.valid ?? false,
        confidence: best ? Number(best.confidence.toFixed(4)) : null,
      }, at)
    })
  }

  function start(evidenceId: string, caseId: string, filePath: string): void {
    // Never rejects: every failure is recorded on the reading itself.
    const p = run(evidenceId, caseId, filePath).catch((err: unknown) => log?.warn({ err, evidenceId }, 'plate OCR result not stored'))
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
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
        errorText: r.errorCode ? (OCR_FAILURE_TEXT[r.errorCode] ?? OCR_FAILURE_TEXT.OCR_WORKER_FAILED) : null,
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

    /** Waits for the readings in flight (tests, shutdown); new ones are not started after close. */
    async close() {
      closed = true
      await Promise.all([...inFlight])
      await reader.close()
    },
  }
}
