// Read side: what the officer console, the supervisor and the citizen see of a case.
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { auditEntriesForCase } from '../audit/audit-log.ts'
import { pickFacts } from './facts.ts'
import { caseMetrics, STATE_TEXT, type CaseState } from './state-machine.ts'

const secondsSince = (now: Date, at: string) => Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000))

/** Builds a database's statements once: every console reads cases and polls the queue all day. */
function perDb<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>()
  return (db) => {
    let value = built.get(db)
    if (value === undefined) built.set(db, (value = build(db)))
    return value
  }
}

const caseId = sql.placeholder('caseId')
const ACTIVE_STATES = ['in_call', 'evidence_collected', 'verified', 'eligible', 'determined', 'ineligible']

const caseViewQueries = perDb((db) => ({
  eligibility: db.select().from(s.eligibilityResults).where(eq(s.eligibilityResults.caseId, caseId))
    .orderBy(desc(s.eligibilityResults.assessedAt)).limit(1).prepare(),
  determination: db.select().from(s.determinations).where(eq(s.determinations.caseId, caseId)).prepare(),
  determinationParties: db.select().from(s.determinationParties)
    .where(eq(s.determinationParties.determinationId, sql.placeholder('determinationId'))).prepare(),
  parties: db.select({ party: s.parties, vehicle: s.vehicles }).from(s.parties)
    .leftJoin(s.vehicles, eq(s.vehicles.partyId, s.parties.id))
    .where(eq(s.parties.caseId, caseId)).orderBy(asc(s.parties.ordinal)).prepare(),
  evidence: db.select().from(s.evidence).where(eq(s.evidence.caseId, caseId)).orderBy(asc(s.evidence.capturedAt)).prepare(),
  dispatch: db.select().from(s.dispatches).where(eq(s.dispatches.caseId, caseId)).prepare(),
  // The waiting cases of the district and the officer's own open ones. The state list keeps the
  // search on (district, state) in the index, away from the district's closed history.
  queue: db.select().from(s.cases)
    .where(and(
      eq(s.cases.districtId, sql.placeholder('districtId')),
      inArray(s.cases.state, ['queued', ...ACTIVE_STATES]),
      or(eq(s.cases.state, 'queued'), eq(s.cases.officerId, sql.placeholder('officerId'))),
    ))
    .orderBy(asc(s.cases.reportedAt)).prepare(),
}))

export function officerCaseView(db: Db, c: s.CaseRow) {
  const q = caseViewQueries(db)
  const determination = q.determination.get({ caseId: c.id })
  return {
    id: c.id,
    caseNo: c.caseNo,
    districtId: c.districtId,
    state: c.state,
    stateText: STATE_TEXT[c.state as CaseState],
    callStatus: c.callStatus,
    location: { lat: c.lat, lng: c.lng, accuracyM: c.locationAccuracyM, address: c.address },
    reporterPhone: c.reporterPhone,
    reportedPlate: c.reportedPlate,
    officerId: c.officerId,
    facts: pickFacts(c),
    times: {
      reportedAt: c.reportedAt,
      answeredAt: c.answeredAt,
      partiesReleasedAt: c.partiesReleasedAt,
      determinedAt: c.determinedAt,
      servedAt: c.servedAt,
      finishedAt: c.finishedAt,
    },
    metrics: caseMetrics(c),
    parties: q.parties.all({ caseId: c.id }).map(({ party, vehicle }) => ({
      ...party,
      licenceClasses: party.licenceClasses ? party.licenceClasses.split(',') : [],
      vehicle,
    })),
    evidence: q.evidence.all({ caseId: c.id }),
    eligibility: q.eligibility.get({ caseId: c.id }) ?? null,
    determination: determination
      ? { ...determination, parties: q.determinationParties.all({ determinationId: determination.id }) }
      : null,
    dispatch: q.dispatch.get({ caseId: c.id }) ?? null,
  }
}

export function queueView(db: Db, districtId: string, officerId: string, now: Date) {
  const rows = caseViewQueries(db).queue.all({ districtId, officerId })
  const item = (c: s.CaseRow) => ({
    id: c.id,
    caseNo: c.caseNo,
    state: c.state,
    stateText: STATE_TEXT[c.state as CaseState],
    callStatus: c.callStatus,
    waitSeconds: secondsSince(now, c.reportedAt),
    location: { lat: c.lat, lng: c.lng, address: c.address },
    reportedPlate: c.reportedPlate,
  })
  return {
    waiting: rows.filter((c) => c.state === 'queued').map(item),
    mine: rows.filter((c) => c.state !== 'queued').map(item),
  }
}

export function districtCasesView(db: Db, districtId: string, states: string[] | undefined) {
  const where = states?.length
    ? and(eq(s.cases.districtId, districtId), inArray(s.cases.state, states))
    : eq(s.cases.districtId, districtId)
  return db.select().from(s.cases).where(where).orderBy(desc(s.cases.reportedAt)).limit(500).all().map((c) => ({
    id: c.id,
    caseNo: c.caseNo,
    state: c.state,
    stateText: STATE_TEXT[c.state as CaseState],
    officerId: c.officerId,
    reportedAt: c.reportedAt,
    metrics: caseMetrics(c),
  }))
}

/** The citizen sees their own case's progress, never the other party's personal data. */
export function citizenCaseView(db: Db, c: s.CaseRow) {
  const ahead = c.state === 'queued'
    ? db.select({ id: s.cases.id }).from(s.cases)
        .where(and(eq(s.cases.districtId, c.districtId), eq(s.cases.state, 'queued'), lt(s.cases.reportedAt, c.reportedAt)))
        .all().length
    : null
  return {
    caseId: c.id,
    caseNo: c.caseNo,
    state: c.state,
    stateText: STATE_TEXT[c.state as CaseState],
    callStatus: c.callStatus,
    queuePosition: ahead === null ? null : ahead + 1,
    reportedAt: c.reportedAt,
    partiesMayLeave: c.partiesReleasedAt !== null,
    timeline: auditEntriesForCase(db, c.id)
      .filter((e) => e.action.startsWith('case.'))
      .map((e) => {
        const to = (JSON.parse(e.detail) as { to?: CaseState }).to
        return { at: e.at, action: e.action, stateText: to ? STATE_TEXT[to] : null }
      }),
  }
}
