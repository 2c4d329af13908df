// Read side: what the officer console, the supervisor and the citizen see of a case.
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import type { Db } from '../db/open.ts'
import * as s from '../db/schema.ts'
import { auditEntriesForCase } from '../audit/audit-log.ts'
import { partiesWithVehicles } from './case-service.ts'
import { pickFacts } from './facts.ts'
import { caseMetrics, STATE_TEXT, type CaseState } from './state-machine.ts'

const secondsSince = (now: Date, at: string) => Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000))

export function officerCaseView(db: Db, c: s.CaseRow) {
  const eligibility = db.select().from(s.eligibilityResults).where(eq(s.eligibilityResults.caseId, c.id))
    .orderBy(desc(s.eligibilityResults.assessedAt)).limit(1).get()
  const determination = db.select().from(s.determinations).where(eq(s.determinations.caseId, c.id)).get()
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
    parties: partiesWithVehicles(db, c.id).map(({ party, vehicle }) => ({
      ...party,
      licenceClasses: party.licenceClasses ? party.licenceClasses.split(',') : [],
      vehicle,
    })),
    evidence: db.select().from(s.evidence).where(eq(s.evidence.caseId, c.id)).orderBy(asc(s.evidence.capturedAt)).all(),
    eligibility: eligibility ?? null,
    determination: determination
      ? { ...determination, parties: db.select().from(s.determinationParties).where(eq(s.determinationParties.determinationId, determination.id)).all() }
      : null,
    dispatch: db.select().from(s.dispatches).where(eq(s.dispatches.caseId, c.id)).get() ?? null,
  }
}

const queueQueries = new WeakMap<Db, ReturnType<typeof prepareQueueQuery>>()

// Every console polls the queue every few seconds: prepared once per database.
const prepareQueueQuery = (db: Db) =>
  db.select().from(s.cases)
    .where(and(
      eq(s.cases.districtId, sql.placeholder('districtId')),
      or(eq(s.cases.state, 'queued'), eq(s.cases.officerId, sql.placeholder('officerId'))),
    ))
    .orderBy(asc(s.cases.reportedAt))
    .prepare()

export function queueView(db: Db, districtId: string, officerId: string, now: Date) {
  let query = queueQueries.get(db)
  if (!query) queueQueries.set(db, (query = prepareQueueQuery(db)))
  const rows = query.all({ districtId, officerId })
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
  const active = ['in_call', 'evidence_collected', 'verified', 'eligible', 'determined', 'ineligible']
  return {
    waiting: rows.filter((c) => c.state === 'queued').map(item),
    mine: rows.filter((c) => c.officerId === officerId && active.includes(c.state)).map(item),
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
