// Licence cards read off evidence stills: a still on which the plate reader found no plate gets a
// pending card reading (in the plate result's transaction), is read in the background, and its
// fields are proposed to the officer, who applies them to a party (correcting any first) through the
// party update path. The machine reading is kept beside the officer's values.
import { and, asc, eq } from 'drizzle-orm'
import type { CardField, CardReading, CardType } from '../../models/read-card.ts'
import type { PlateReader } from '../../models/plate-reader.ts'
import { appendAudit, type Actor } from '../audit/audit-log.ts'
import { officerActor, type CaseService, type OfficerActor, type Tx } from '../cases/case-service.ts'
import { partyInputOf } from '../cases/party-input.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { fail } from '../errors.ts'
import type { BackgroundReads, ReadOutcome } from './background-reads.ts'
import { cardProposal, correctedFields, fieldsNotOnCard, withCardFields, type CardPartyFields } from './card-proposal.ts'
import { CARD_FIELD_ERROR_TEXT, CARD_FIELD_TEXT, CARD_TYPE_TEXT } from './card-text.ts'
import { ocrFailureText } from './failure-text.ts'

const SYSTEM: Actor = { type: 'system', id: 'ocr' }

const stillExists = (tx: Tx, caseId: string, evidenceId: string) =>
  tx.select({ id: s.evidence.id }).from(s.evidence).where(and(eq(s.evidence.id, evidenceId), eq(s.evidence.caseId, caseId))).get() !== undefined

/** What is kept of a field: the value read, its confidence (4 places) and its validation. */
const storedField = (f: CardField): CardField => ({ ...f, confidence: Number(f.confidence.toFixed(4)) })

export interface CardOcrDeps {
  db: Db
  cases: CaseService
  reader: Pick<PlateReader, 'readCard'>
  reads: BackgroundReads
  now: () => Date
  /** Dates on the card are checked against the local date where the box serves. */
  timeZone: string
}

export type CardOcrService = ReturnType<typeof createCardOcrService>

export function createCardOcrService({ db, cases, reader, reads, now, timeZone }: CardOcrDeps) {
  const iso = () => now().toISOString()
  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone }).format(now())

  function store(caseId: string, evidenceId: string, outcome: ReadOutcome<CardReading>): void {
    const at = iso()
    db.transaction((tx) => {
      if (!outcome.ok) {
        tx.update(s.cardReadings).set({ status: 'failed', errorCode: outcome.errorCode, readAt: at }).where(eq(s.cardReadings.evidenceId, evidenceId)).run()
        appendAudit(tx, SYSTEM, 'evidence.card_ocr_failed', caseId, { evidenceId, errorCode: outcome.errorCode }, at)
        return
      }
      const card = outcome.value
      const fields = Object.fromEntries(Object.entries(card.fields).map(([k, f]) => [k, storedField(f)]))
      tx.update(s.cardReadings).set({ status: 'read', cardType: card.type, fields, valid: card.valid, readAt: at })
        .where(eq(s.cardReadings.evidenceId, evidenceId)).run()
      appendAudit(tx, SYSTEM, 'evidence.card_read', caseId, {
        evidenceId,
        cardType: card.type,
        valid: card.valid,
        missing: card.missing,
        invalid: Object.entries(card.fields).filter(([, f]) => !f.valid).map(([k, f]) => ({ field: k, error: f.error })),
      }, at)
    })
  }

  function start(caseId: string, evidenceId: string, filePath: string): void {
    reads.run('card OCR', evidenceId, filePath, (bytes) => reader.readCard(bytes, today()), (outcome) => store(caseId, evidenceId, outcome))
  }

  return {
    /** Inside the plate result's transaction: the still showed no plate, so it may be a licence card. */
    queue(tx: Tx, caseId: string, evidenceId: string, at: string) {
      tx.insert(s.cardReadings).values({ evidenceId, caseId, status: 'pending', createdAt: at }).onConflictDoNothing().run()
    },
    start,

    /** At start-up: card readings left pending by a stop. */
    resumePending(): number {
      const rows = db.select({ reading: s.cardReadings, filePath: s.evidence.filePath }).from(s.cardReadings)
        .innerJoin(s.evidence, eq(s.evidence.id, s.cardReadings.evidenceId))
        .where(eq(s.cardReadings.status, 'pending')).all()
      for (const { reading, filePath } of rows) start(reading.caseId, reading.evidenceId, filePath)
      return rows.length
    },

    /** The case's card readings: each field with its zh-CN label and validation, and the proposal for a party. */
    list(caseId: string) {
      const rows = db.select().from(s.cardReadings).where(eq(s.cardReadings.caseId, caseId)).orderBy(asc(s.cardReadings.createdAt)).all()
      return {
        readings: rows.map((r) => {
          const fields = (r.fields ?? {}) as Record<string, CardField>
          return {
            ...r,
            fields: Object.entries(fields).map(([name, f]) => ({
              name,
              label: CARD_FIELD_TEXT[name] ?? name,
              ...f,
              errorText: f.error ? (CARD_FIELD_ERROR_TEXT[f.error] ?? '格式不正确，请核对') : null,
            })),
            cardTypeText: r.cardType ? CARD_TYPE_TEXT[r.cardType] : null,
            proposal: r.cardType ? cardProposal(r.cardType, fields) : null,
            errorText: ocrFailureText(r.errorCode),
          }
        }),
      }
    },

    /**
     * The officer applies the card's fields (as proposed or corrected) to a party, in one transaction
     * with the party update (cases.upsertParty: its validation, state rule and audit entry).
     */
    apply(caseId: string, evidenceId: string, officer: OfficerActor, partyId: string, applied: CardPartyFields) {
      return db.transaction((tx) => {
        const row = tx.select().from(s.cardReadings)
          .where(and(eq(s.cardReadings.evidenceId, evidenceId), eq(s.cardReadings.caseId, caseId))).get()
        cases.assertHandler(cases.loadCase(caseId), officer)
        // A still the plate reader found a plate on was never read as a card.
        if (!row) return fail(stillExists(tx, caseId, evidenceId) ? 'CARD_NOT_READ' : 'EVIDENCE_NOT_FOUND')
        if (row.status === 'pending') fail('OCR_PENDING')
        const type: CardType = row.cardType ?? fail('CARD_NOT_READ')
        const foreign = fieldsNotOnCard(type, applied)
        if (foreign.length > 0) fail('CARD_FIELD_NOT_ON_CARD', { fields: foreign })
        const current = tx.select({ party: s.parties, vehicle: s.vehicles }).from(s.parties)
          .leftJoin(s.vehicles, eq(s.vehicles.partyId, s.parties.id))
          .where(and(eq(s.parties.id, partyId), eq(s.parties.caseId, caseId))).get() ?? fail('PARTY_NOT_FOUND')
        const input = withCardFields(partyInputOf(current.party, current.vehicle), applied) ?? fail('CARD_VEHICLE_TYPE_REQUIRED')
        cases.upsertParty(caseId, officer, partyId, input)
        const machine = cardProposal(type, (row.fields ?? {}) as Record<string, CardField>)
        const corrected = correctedFields(machine, applied)
        const at = iso()
        tx.update(s.cardReadings).set({ applied, appliedPartyId: partyId, corrected: corrected.length > 0, appliedBy: officer.id, appliedAt: at })
          .where(eq(s.cardReadings.evidenceId, evidenceId)).run()
        appendAudit(tx, officerActor(officer), corrected.length > 0 ? 'evidence.card_corrected' : 'evidence.card_applied', caseId, {
          evidenceId,
          partyId,
          cardType: type,
          machine,
          applied,
          corrected,
          previous: row.applied,
        }, at)
        return { evidenceId, partyId, cardType: type, applied, corrected }
      })
    },
  }
}
