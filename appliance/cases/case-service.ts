// The case service: every write to a case, each in one transaction together with its audit entry.
// Rules come from the pure modules (state machine, eligibility, liability); I/O stays here.
import { randomUUID } from 'node:crypto'
import { and, asc, eq, max, sql } from 'drizzle-orm'
import type { Config } from '../../firmware-config/config.ts'
import { appendAudit, type Actor } from '../audit/audit-log.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { AppError, fail } from '../errors.ts'
import type { RegistryClient } from '../registry/client.ts'
import { enqueueSms } from '../notifications/outbox.ts'
import { progressLink } from '../notifications/links.ts'
import { verifyParty } from '../registry/verification.ts'
import { assessEligibility } from '../rules/eligibility.ts'
import { parsePlate } from '../rules/plates.ts'
import { validateResidentId } from '../rules/resident-id.ts'
import { eligibilityInput } from './eligibility-input.ts'
import type { FactKey } from './facts.ts'
import { liabilitySplitIsConsistent, type Liability } from './liability.ts'
import { CALL_STATES, isCaseState, transition, type CaseEvent, type CaseState } from './state-machine.ts'

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export interface OfficerActor {
  id: string
  role: s.OfficerRow['role']
  districtId: string
}

export const officerActor = (o: OfficerActor): Actor => ({ type: 'officer', id: o.id })

export interface CaseServiceDeps {
  db: Db
  config: Config
  registry: RegistryClient
  now: () => Date
  /** Where citizens' SMS links point (see notifications/links.ts). */
  publicBaseUrl?: () => string
}

export type CaseService = ReturnType<typeof createCaseService>

export function createCaseService({ db, config, registry, now, publicBaseUrl = () => '' }: CaseServiceDeps) {
  const iso = () => now().toISOString()
  /** Today's date (YYYY-MM-DD) where the box serves, not where the server clock is set. */
  const localDate = () => new Intl.DateTimeFormat('en-CA', { timeZone: config.service.timeZone }).format(now())

  // Prepared once: every case route starts here. better-sqlite3 has one connection, so the statement
  // also reads inside a running transaction.
  const caseById = db.select().from(s.cases).where(eq(s.cases.id, sql.placeholder('caseId'))).prepare()
  function loadCase(caseId: string): s.CaseRow {
    return caseById.get({ caseId }) ?? fail('CASE_NOT_FOUND')
  }

  /** Moves a case along the state machine, patches it and writes the audit entry, in the caller's tx. */
  function move(
    tx: Tx,
    c: s.CaseRow,
    event: CaseEvent,
    actor: Actor,
    patch: Partial<s.CaseRow> = {},
    detail: Record<string, unknown> = {},
  ): CaseState {
    const from = isCaseState(c.state) ? c.state : fail('INTERNAL', { state: c.state })
    const r = transition(from, event)
    if (!r.ok) throw new AppError('TRANSITION_NOT_ALLOWED', { from, event })
    const at = iso()
    tx.update(s.cases).set({ ...patch, state: r.to, updatedAt: at }).where(eq(s.cases.id, c.id)).run()
    appendAudit(tx, actor, `case.${event}`, c.id, { from, to: r.to, ...detail }, at)
    return r.to
  }

  /** Seat officers act only on the cases they answered; supervisors on every case of the district. */
  function assertHandler(c: s.CaseRow, officer: OfficerActor) {
    if (c.districtId !== officer.districtId) fail('CASE_NOT_FOUND')
    if (officer.role === 'seat' && c.officerId !== null && c.officerId !== officer.id) {
      fail('CASE_ASSIGNED_ELSEWHERE')
    }
  }

  function nextCaseNo(tx: Tx): string {
    const day = localDate().replaceAll('-', '')
    const name = `case:${config.district.id}:${day}`
    const row = tx
      .insert(s.counters)
      .values({ name, value: 1 })
      .onConflictDoUpdate({ target: s.counters.name, set: { value: sql`${s.counters.value} + 1` } })
      .returning({ value: s.counters.value })
      .get()
    return `${config.district.id.toUpperCase()}-${day}-${String(row.value).padStart(4, '0')}`
  }

  function normalisedPlate(raw: string | null | undefined): string | null {
    if (raw === null || raw === undefined || raw.trim() === '') return null
    const p = parsePlate(raw)
    return p.ok ? p.plate : fail('INVALID_PLATE', { plate: raw, reason: p.code, text: p.text })
  }

  return {
    loadCase,
    assertHandler,

    report(input: {
      lat: number
      lng: number
      accuracyM?: number
      address?: string
      phone: string
      plate?: string
    }) {
      const token = newToken()
      const plate = normalisedPlate(input.plate)
      const at = iso()
      const expires = new Date(now().getTime() + config.citizen.tokenTtlHours * 3600_000).toISOString()
      const id = randomUUID()
      const caseNo = db.transaction((tx) => {
        const caseNo = nextCaseNo(tx)
        tx.insert(s.cases).values({
          id,
          caseNo,
          districtId: config.district.id,
          state: 'reported',
          lat: input.lat,
          lng: input.lng,
          locationAccuracyM: input.accuracyM ?? null,
          address: input.address ?? null,
          reporterPhone: input.phone,
          reportedPlate: plate,
          tokenHash: hashToken(token),
          tokenExpiresAt: expires,
          reportedAt: at,
          updatedAt: at,
        }).run()
        appendAudit(tx, { type: 'citizen', id }, 'case.reported', id, { lat: input.lat, lng: input.lng, plate }, at)
        enqueueSms(tx, { caseId: id, phone: input.phone, key: `received:${id}`, at, data: { kind: 'case_received', caseNo, link: progressLink(publicBaseUrl(), id, token) } })
        return caseNo
      })
      return { caseId: id, caseNo, token, tokenExpiresAt: expires }
    },

    /** The citizen reaches the waiting screen, or comes back after a dropped call (【继续处理】). */
    joinOrResume(caseId: string) {
      const citizen: Actor = { type: 'citizen', id: caseId }
      db.transaction((tx) => {
        const c = loadCase(caseId)
        if (c.state === 'reported') {
          move(tx, c, 'enqueue', citizen, { callStatus: 'waiting' })
        } else if (c.callStatus !== 'waiting' && CALL_STATES.includes(c.state as CaseState)) {
          tx.update(s.cases).set({ callStatus: 'waiting', updatedAt: iso() }).where(eq(s.cases.id, caseId)).run()
          appendAudit(tx, citizen, 'case.resumed', caseId, { state: c.state }, iso())
        }
      })
    },

    /** The citizen's connection to the call opened or dropped (the officer console shows it). */
    setCitizenPresence(caseId: string, present: boolean) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        if (!CALL_STATES.includes(c.state as CaseState)) return
        const callStatus = !present ? 'dropped' : c.state === 'queued' ? 'waiting' : 'connected'
        if (callStatus === c.callStatus) return
        tx.update(s.cases).set({ callStatus, updatedAt: iso() }).where(eq(s.cases.id, caseId)).run()
        appendAudit(tx, { type: 'citizen', id: caseId }, present ? 'call.citizen_connected' : 'call.citizen_dropped', caseId, { state: c.state }, iso())
      })
    },

    endCall(caseId: string, actor: Actor) {
      db.transaction((tx) => {
        loadCase(caseId)
        tx.update(s.cases).set({ callStatus: 'none', updatedAt: iso() }).where(eq(s.cases.id, caseId)).run()
        appendAudit(tx, actor, 'call.ended', caseId, {}, iso())
      })
    },

    /** Records an evidence file already stored on disk (see evidence/file-store.ts). */
    addEvidence(caseId: string, actor: Actor, item: Omit<typeof s.evidence.$inferInsert, 'id' | 'caseId'>) {
      const id = randomUUID()
      db.transaction((tx) => {
        const c = loadCase(caseId)
        // Where the case was reported, unless the capture carries its own position.
        tx.insert(s.evidence).values({ lat: c.lat, lng: c.lng, ...item, id, caseId }).run()
        appendAudit(tx, actor, 'evidence.added', caseId, { evidenceId: id, kind: item.kind, sha256: item.sha256, sizeBytes: item.sizeBytes }, iso())
      })
      return id
    },

    cancel(caseId: string, actor: Actor) {
      db.transaction((tx) => {
        move(tx, loadCase(caseId), 'cancel', actor, { finishedAt: iso(), callStatus: 'none' })
      })
    },

    accept(caseId: string, officer: OfficerActor) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        if (c.districtId !== officer.districtId) fail('CASE_NOT_FOUND')
        if (c.officerId !== null && c.officerId !== officer.id) fail('CASE_ASSIGNED_ELSEWHERE')
        move(tx, c, 'answer', officerActor(officer), { officerId: officer.id, answeredAt: iso(), callStatus: 'connected' })
      })
    },

    updateFacts(caseId: string, officer: OfficerActor, facts: Partial<Pick<s.CaseRow, FactKey>> & { address?: string }) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        if (!['in_call', 'evidence_collected', 'verified'].includes(c.state)) fail('CASE_NOT_EDITABLE')
        tx.update(s.cases).set({ ...facts, updatedAt: iso() }).where(eq(s.cases.id, caseId)).run()
        appendAudit(tx, officerActor(officer), 'case.facts_updated', caseId, facts, iso())
      })
    },

    upsertParty(caseId: string, officer: OfficerActor, partyId: string | null, input: PartyInput) {
      const plate = normalisedPlate(input.vehicle?.plate)
      const today = localDate()
      const id17 = input.idNumber === undefined ? null : validateResidentId(input.idNumber, today)
      if (id17 && !id17.ok) fail('INVALID_ID_NUMBER', { reason: id17.code, text: id17.text })
      return db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        if (!['in_call', 'evidence_collected'].includes(c.state)) fail('CASE_NOT_EDITABLE')
        const party = {
          name: input.name,
          phone: input.phone,
          idNumber: id17?.ok ? id17.id : null,
          licenceNumber: input.licenceNumber ?? null,
          licenceClasses: input.licenceClasses?.join(',') ?? null,
          licenceValidUntil: input.licenceValidUntil ?? null,
          bearsLiability: input.bearsLiability ?? null,
          // New data: earlier checks no longer apply.
          licenceStatus: null,
          licenceAttested: false,
        }
        let id = partyId
        if (id === null) {
          id = randomUUID()
          const ordinal = (tx.select({ m: max(s.parties.ordinal) }).from(s.parties).where(eq(s.parties.caseId, caseId)).get()?.m ?? 0) + 1
          tx.insert(s.parties).values({ id, caseId, ordinal, label: partyLabel(ordinal), ...party }).run()
        } else {
          const existing = tx.select().from(s.parties).where(and(eq(s.parties.id, id), eq(s.parties.caseId, caseId))).get()
          if (!existing) fail('PARTY_NOT_FOUND')
          tx.update(s.parties).set(party).where(eq(s.parties.id, id)).run()
          tx.delete(s.vehicles).where(eq(s.vehicles.partyId, id)).run()
        }
        if (input.vehicle) {
          tx.insert(s.vehicles).values({
            id: randomUUID(),
            caseId,
            partyId: id,
            vehicleType: input.vehicle.vehicleType,
            plate,
            plateColour: input.vehicle.plateColour ?? null,
            plateSuspectedForged: input.vehicle.plateSuspectedForged ?? false,
            insurer: input.vehicle.insurer ?? null,
            policyNumber: input.vehicle.policyNumber ?? null,
          }).run()
        }
        appendAudit(tx, officerActor(officer), partyId === null ? 'party.added' : 'party.updated', caseId, { partyId: id }, iso())
        return id
      })
    },

    completeEvidence(caseId: string, officer: OfficerActor) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        move(tx, c, 'complete_evidence', officerActor(officer), { partiesReleasedAt: iso() })
      })
    },

    reopenEvidence(caseId: string, officer: OfficerActor) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        move(tx, c, 'reopen_evidence', officerActor(officer))
      })
    },

    /** Checks every party against the registry. Lookups run outside the transaction; results land in one. */
    async verify(caseId: string, officer: OfficerActor) {
      const c = loadCase(caseId)
      assertHandler(c, officer)
      if (!transition(c.state as CaseState, 'verify').ok) fail('TRANSITION_NOT_ALLOWED', { from: c.state, event: 'verify' })
      const rows = partiesWithVehicles(db, caseId)
      if (rows.length === 0) fail('PARTIES_REQUIRED')
      const today = localDate()
      const results = await Promise.all(
        rows.map(({ party, vehicle }) =>
          verifyParty(registry, {
            licenceNumber: vehicle ? party.licenceNumber : null,
            plate: vehicle?.plate ?? null,
            vehicleType: vehicle?.vehicleType ?? 'pedestrian',
          }, today),
        ),
      )
      db.transaction((tx) => {
        const fresh = loadCase(caseId)
        if (fresh.updatedAt !== c.updatedAt) fail('TRANSITION_NOT_ALLOWED', { reason: 'case changed during verification' })
        const at = iso()
        rows.forEach(({ party, vehicle }, i) => {
          const r = results[i]!
          tx.update(s.parties).set({
            licenceStatus: r.licence?.status ?? null,
            licenceAttested: false,
            licenceClasses: r.licence?.classes.length ? r.licence.classes.join(',') : party.licenceClasses,
            licenceValidUntil: r.licence?.validUntil ?? party.licenceValidUntil,
          }).where(eq(s.parties.id, party.id)).run()
          if (vehicle) {
            tx.update(s.vehicles).set({
              registrationStatus: r.registration?.status ?? null,
              registrationAttested: false,
              plateColour: r.registration?.plateColour ?? vehicle.plateColour,
              insuranceStatus: r.insurance?.status ?? null,
              insuranceAttested: false,
              insurer: r.insurance?.insurer ?? vehicle.insurer,
              insurerCode: r.insurance?.insurerCode ?? vehicle.insurerCode,
              policyNumber: r.insurance?.policyNumber ?? vehicle.policyNumber,
              insuredUntil: r.insurance?.validUntil ?? vehicle.insuredUntil,
              verifiedAt: at,
            }).where(eq(s.vehicles.id, vehicle.id)).run()
          }
        })
        move(tx, fresh, 'verify', officerActor(officer), {}, {
          results: results.map((r, i) => ({
            partyId: rows[i]!.party.id,
            licence: r.licence?.status ?? null,
            registration: r.registration?.status ?? null,
            insurance: r.insurance?.status ?? null,
          })),
        })
      })
      return results
    },

    /** The officer vouches for a check the registry could not answer; flagged for a later re-check. */
    attest(caseId: string, partyId: string, officer: OfficerActor, checks: Array<'licence' | 'registration' | 'insurance'>, note: string) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        if (c.state !== 'verified') fail('TRANSITION_NOT_ALLOWED', { from: c.state, event: 'attest' })
        const row = partiesWithVehicles(tx, caseId).find((r) => r.party.id === partyId) ?? fail('PARTY_NOT_FOUND')
        const unverified = {
          licence: row.party.licenceStatus === 'unverified',
          registration: row.vehicle?.registrationStatus === 'unverified',
          insurance: row.vehicle?.insuranceStatus === 'unverified',
        }
        const refused = checks.filter((k) => !unverified[k])
        if (refused.length > 0) fail('VALIDATION_FAILED', { reason: 'only unverified checks can be attested', checks: refused })
        if (checks.includes('licence')) tx.update(s.parties).set({ licenceAttested: true }).where(eq(s.parties.id, partyId)).run()
        if (row.vehicle && (checks.includes('registration') || checks.includes('insurance'))) {
          tx.update(s.vehicles).set({
            registrationAttested: row.vehicle.registrationAttested || checks.includes('registration'),
            insuranceAttested: row.vehicle.insuranceAttested || checks.includes('insurance'),
          }).where(eq(s.vehicles.id, row.vehicle.id)).run()
        }
        appendAudit(tx, officerActor(officer), 'party.attested', caseId, { partyId, checks, note, recheckNeeded: true }, iso())
      })
    },

    assess(caseId: string, officer: OfficerActor) {
      return db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        const result = assessEligibility(eligibilityInput(c, partiesWithVehicles(tx, caseId)), {
          serviceStart: config.service.start,
          serviceEnd: config.service.end,
          timeZone: config.service.timeZone,
        })
        // Eligible needs the checks (verified); ineligible may be seen at any call stage.
        move(tx, c, result.eligible ? 'assess_eligible' : 'assess_ineligible', officerActor(officer), {}, {
          reasons: result.reasons.map((r) => r.code),
          flags: result.flags.map((r) => r.code),
        })
        tx.insert(s.eligibilityResults).values({
          id: randomUUID(),
          caseId,
          eligible: result.eligible,
          reasons: result.reasons,
          flags: result.flags,
          assessedAt: iso(),
          assessedBy: officer.id,
        }).run()
        return result
      })
    },

    dispatch(caseId: string, officer: OfficerActor, note: string | undefined) {
      return db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        const last = tx.select().from(s.eligibilityResults).where(eq(s.eligibilityResults.caseId, caseId))
          .orderBy(asc(s.eligibilityResults.assessedAt)).all().at(-1)
        const id = randomUUID()
        const at = iso()
        move(tx, c, 'dispatch', officerActor(officer), { callStatus: 'none' }, { dispatchId: id })
        tx.insert(s.dispatches).values({
          id,
          caseId,
          districtId: c.districtId,
          lat: c.lat,
          lng: c.lng,
          address: c.address,
          reasons: last?.reasons ?? [],
          status: 'pending',
          note: note ?? null,
          createdAt: at,
          updatedAt: at,
        }).run()
        return id
      })
    },

    updateDispatch(dispatchId: string, officer: OfficerActor, status: DispatchStatus, note: string | undefined) {
      db.transaction((tx) => {
        const d = tx.select().from(s.dispatches).where(eq(s.dispatches.id, dispatchId)).get()
        if (!d || d.districtId !== officer.districtId) fail('DISPATCH_NOT_FOUND')
        if (DISPATCH_ORDER.indexOf(status) < DISPATCH_ORDER.indexOf(d!.status)) fail('DISPATCH_STATUS_BACKWARDS')
        const at = iso()
        tx.update(s.dispatches).set({
          status,
          note: note ?? d!.note,
          fieldOfficerId: d!.fieldOfficerId ?? officer.id,
          updatedAt: at,
        }).where(eq(s.dispatches.id, dispatchId)).run()
        appendAudit(tx, officerActor(officer), 'dispatch.updated', d!.caseId, { dispatchId, from: d!.status, to: status, note }, at)
        if (status === 'handed_over' && d!.status !== 'handed_over') {
          move(tx, loadCase(d!.caseId), 'hand_over', officerActor(officer), { finishedAt: at })
        }
      })
    },

    determine(caseId: string, officer: OfficerActor, input: DeterminationInput) {
      return db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        const partyIds = new Set(partiesWithVehicles(tx, caseId).map((r) => r.party.id))
        const given = input.parties.map((p) => p.partyId)
        if (given.length !== partyIds.size || new Set(given).size !== given.length || !given.every((id) => partyIds.has(id))) {
          fail('DETERMINATION_PARTIES_MISMATCH')
        }
        if (!liabilitySplitIsConsistent(input.parties.map((p) => p.liability))) fail('LIABILITY_INCONSISTENT')
        const id = randomUUID()
        const at = iso()
        move(tx, c, 'determine', officerActor(officer), { determinedAt: at }, { determinationId: id })
        tx.insert(s.determinations).values({
          id,
          caseId,
          accidentTime: input.accidentTime ?? c.reportedAt,
          place: input.place ?? c.address ?? `${c.lat.toFixed(6)},${c.lng.toFixed(6)}`,
          weather: input.weather,
          accidentType: input.accidentType,
          impactPoints: input.impactPoints,
          facts: input.facts,
          officerId: officer.id,
          determinedAt: at,
        }).run()
        for (const p of input.parties) {
          tx.insert(s.determinationParties).values({
            determinationId: id,
            partyId: p.partyId,
            liability: p.liability,
            violation: p.violation ?? null,
            clause: p.clause ?? null,
          }).run()
        }
        return id
      })
    },

    /** `issue` writes the signed document and its notices in the same transaction (documents/document-service.ts). */
    serve(caseId: string, officer: OfficerActor, issue?: { at: string; inTx: (tx: Tx) => void }) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        const at = issue?.at ?? iso()
        move(tx, c, 'serve', officerActor(officer), { servedAt: at, finishedAt: at, callStatus: 'none' })
        issue?.inTx(tx)
      })
    },

    close(caseId: string, officer: OfficerActor) {
      db.transaction((tx) => {
        const c = loadCase(caseId)
        assertHandler(c, officer)
        move(tx, c, 'close', officerActor(officer))
      })
    },
  }
}

export const DISPATCH_ORDER = ['pending', 'assigned', 'en_route', 'on_scene', 'handed_over'] as const
export type DispatchStatus = (typeof DISPATCH_ORDER)[number]

export interface PartyInput {
  name: string
  phone: string
  idNumber?: string
  licenceNumber?: string
  licenceClasses?: string[]
  licenceValidUntil?: string
  bearsLiability?: boolean | null
  vehicle?: {
    vehicleType: string
    plate?: string
    plateColour?: string
    plateSuspectedForged?: boolean
    insurer?: string
    policyNumber?: string
  }
}

export interface DeterminationInput {
  accidentTime?: string
  place?: string
  weather: string
  accidentType: string
  impactPoints: string
  facts: string
  parties: Array<{ partyId: string; liability: Liability; violation?: string; clause?: string }>
}

const LABELS = ['甲方', '乙方', '丙方', '丁方', '戊方', '己方', '庚方', '辛方']
const partyLabel = (ordinal: number) => LABELS[ordinal - 1] ?? `第${ordinal}方`

export function partiesWithVehicles(tx: Tx | Db, caseId: string) {
  return tx
    .select({ party: s.parties, vehicle: s.vehicles })
    .from(s.parties)
    .leftJoin(s.vehicles, eq(s.vehicles.partyId, s.parties.id))
    .where(eq(s.parties.caseId, caseId))
    .orderBy(asc(s.parties.ordinal))
    .all()
}
