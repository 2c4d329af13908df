// Every table of the district box's case store. camelCase in TypeScript, snake_case in SQL.
// Migrations in ./migrations are generated from this file by drizzle-kit (`npm run db:generate`).
import { sql } from 'drizzle-orm'
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`

export const officers = sqliteTable('officers', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  badgeNo: text('badge_no').notNull(),
  districtId: text('district_id').notNull(),
  role: text('role', { enum: ['seat', 'supervisor', 'field', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: text('locked_until'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull().default(now),
})

export const sessions = sqliteTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  officerId: text('officer_id').notNull().references(() => officers.id),
  expiresAt: text('expires_at').notNull(),
  createdAt: text('created_at').notNull().default(now),
})

/** Per-district, per-day sequence for human-readable case numbers. */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
})

export const cases = sqliteTable(
  'cases',
  {
    id: text('id').primaryKey(),
    caseNo: text('case_no').notNull().unique(),
    districtId: text('district_id').notNull(),
    state: text('state').notNull(),
    callStatus: text('call_status', { enum: ['none', 'waiting', 'connected', 'dropped'] })
      .notNull()
      .default('none'),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    locationAccuracyM: real('location_accuracy_m'),
    address: text('address'),
    reporterPhone: text('reporter_phone').notNull(),
    reportedPlate: text('reported_plate'),
    tokenHash: text('token_hash').notNull().unique(),
    tokenExpiresAt: text('token_expires_at').notNull(),
    officerId: text('officer_id').references(() => officers.id),
    // Incident facts the officer records during the call (eligibility inputs).
    insideServiceArea: integer('inside_service_area', { mode: 'boolean' }).notNull().default(true),
    injuryOrDeath: integer('injury_or_death', { mode: 'boolean' }).notNull().default(false),
    suspectedDrinkOrDrugs: integer('suspected_drink_or_drugs', { mode: 'boolean' }).notNull().default(false),
    partyLeftScene: integer('party_left_scene', { mode: 'boolean' }).notNull().default(false),
    deliberate: integer('deliberate', { mode: 'boolean' }).notNull().default(false),
    suspectedOverload: integer('suspected_overload', { mode: 'boolean' }).notNull().default(false),
    seriousSpeeding: integer('serious_speeding', { mode: 'boolean' }).notNull().default(false),
    vehiclesMovable: integer('vehicles_movable', { mode: 'boolean' }).notNull().default(true),
    // Timestamps behind the targets: 1 minute to answer, 3 to clear the road, 5 to finish.
    reportedAt: text('reported_at').notNull(),
    answeredAt: text('answered_at'),
    partiesReleasedAt: text('parties_released_at'),
    determinedAt: text('determined_at'),
    servedAt: text('served_at'),
    finishedAt: text('finished_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('cases_district_state').on(t.districtId, t.state, t.reportedAt)],
)

export const parties = sqliteTable(
  'parties',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').notNull().references(() => cases.id),
    ordinal: integer('ordinal').notNull(),
    label: text('label').notNull(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    idNumber: text('id_number'),
    licenceNumber: text('licence_number'),
    licenceClasses: text('licence_classes'),
    licenceValidUntil: text('licence_valid_until'),
    licenceStatus: text('licence_status'),
    licenceAttested: integer('licence_attested', { mode: 'boolean' }).notNull().default(false),
    bearsLiability: integer('bears_liability', { mode: 'boolean' }),
  },
  (t) => [uniqueIndex('parties_case_ordinal').on(t.caseId, t.ordinal)],
)

export const vehicles = sqliteTable('vehicles', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  partyId: text('party_id').notNull().unique().references(() => parties.id),
  vehicleType: text('vehicle_type').notNull(),
  plate: text('plate'),
  plateColour: text('plate_colour'),
  plateSuspectedForged: integer('plate_suspected_forged', { mode: 'boolean' }).notNull().default(false),
  registrationStatus: text('registration_status'),
  registrationAttested: integer('registration_attested', { mode: 'boolean' }).notNull().default(false),
  insurer: text('insurer'),
  insurerCode: text('insurer_code'),
  policyNumber: text('policy_number'),
  insuredUntil: text('insured_until'),
  insuranceStatus: text('insurance_status'),
  insuranceAttested: integer('insurance_attested', { mode: 'boolean' }).notNull().default(false),
  verifiedAt: text('verified_at'),
})

export const evidence = sqliteTable('evidence', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  kind: text('kind', { enum: ['still', 'recording', 'document', 'other'] }).notNull(),
  filePath: text('file_path').notNull(),
  sha256: text('sha256').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  capturedAt: text('captured_at').notNull(),
  capturedBy: text('captured_by').notNull(),
  lat: real('lat'),
  lng: real('lng'),
}, (t) => [index('evidence_case').on(t.caseId, t.capturedAt)])

/**
 * What OCR read on an evidence still (one row per still), and what the officer confirmed: the machine
 * reading is never overwritten, so the pair is labelled data for later.
 */
export const plateReadings = sqliteTable('plate_readings', {
  evidenceId: text('evidence_id').primaryKey().references(() => evidence.id),
  caseId: text('case_id').notNull().references(() => cases.id),
  status: text('status', { enum: ['pending', 'read', 'failed'] }).notNull(),
  /** OcrError code when failed (IMAGE_TRUNCATED, IMAGE_BLANK, …). */
  errorCode: text('error_code'),
  /** The best plate the machine proposes (null: nothing plate-like found). */
  machinePlate: text('machine_plate'),
  machineConfidence: real('machine_confidence'),
  machineColour: text('machine_colour'),
  /** Every plate reading with colour, confidence, box and ranked candidates (JSON). */
  readings: text('readings', { mode: 'json' }),
  readAt: text('read_at'),
  confirmedPlate: text('confirmed_plate'),
  /** True when the officer's plate differs from the machine's proposal. */
  corrected: integer('corrected', { mode: 'boolean' }),
  confirmedBy: text('confirmed_by').references(() => officers.id),
  confirmedAt: text('confirmed_at'),
  createdAt: text('created_at').notNull(),
}, (t) => [index('plate_readings_case').on(t.caseId)])

/**
 * What OCR read on a still that showed a licence card instead of a plate (one row per still), and the
 * values the officer applied to a party: the machine reading is never overwritten (labelled data).
 */
export const cardReadings = sqliteTable('card_readings', {
  evidenceId: text('evidence_id').primaryKey().references(() => evidence.id),
  caseId: text('case_id').notNull().references(() => cases.id),
  status: text('status', { enum: ['pending', 'read', 'failed'] }).notNull(),
  /** OcrError code when failed. */
  errorCode: text('error_code'),
  /** null: the still shows no licence card the reader recognises. */
  cardType: text('card_type', { enum: ['driving-licence', 'vehicle-licence'] }),
  /** Every field found, with its confidence and validation (JSON, models/read-card.ts CardField). */
  fields: text('fields', { mode: 'json' }),
  /** Every expected field found and valid. */
  valid: integer('valid', { mode: 'boolean' }),
  readAt: text('read_at'),
  /** The party fields the officer applied (JSON), after any correction. */
  applied: text('applied', { mode: 'json' }),
  appliedPartyId: text('applied_party_id').references(() => parties.id),
  /** True when any applied value differs from the machine's proposal. */
  corrected: integer('corrected', { mode: 'boolean' }),
  appliedBy: text('applied_by').references(() => officers.id),
  appliedAt: text('applied_at'),
  createdAt: text('created_at').notNull(),
}, (t) => [index('card_readings_case').on(t.caseId)])

export const eligibilityResults = sqliteTable('eligibility_results', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  eligible: integer('eligible', { mode: 'boolean' }).notNull(),
  reasons: text('reasons', { mode: 'json' }).notNull(),
  flags: text('flags', { mode: 'json' }).notNull(),
  assessedAt: text('assessed_at').notNull(),
  assessedBy: text('assessed_by').notNull(),
}, (t) => [index('eligibility_results_case').on(t.caseId, t.assessedAt)])

export const determinations = sqliteTable('determinations', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().unique().references(() => cases.id),
  accidentTime: text('accident_time').notNull(),
  place: text('place').notNull(),
  weather: text('weather').notNull(),
  accidentType: text('accident_type').notNull(),
  impactPoints: text('impact_points').notNull(),
  facts: text('facts').notNull(),
  officerId: text('officer_id').notNull().references(() => officers.id),
  determinedAt: text('determined_at').notNull(),
})

export const determinationParties = sqliteTable('determination_parties', {
  determinationId: text('determination_id').notNull().references(() => determinations.id),
  partyId: text('party_id').notNull().unique().references(() => parties.id),
  liability: text('liability', { enum: ['全部', '主要', '同等', '次要', '无'] }).notNull(),
  violation: text('violation'),
  clause: text('clause'),
}, (t) => [index('determination_parties_determination').on(t.determinationId)])

export const dispatches = sqliteTable('dispatches', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().unique().references(() => cases.id),
  districtId: text('district_id').notNull(),
  lat: real('lat').notNull(),
  lng: real('lng').notNull(),
  address: text('address'),
  reasons: text('reasons', { mode: 'json' }).notNull(),
  status: text('status', { enum: ['pending', 'assigned', 'en_route', 'on_scene', 'handed_over'] }).notNull(),
  fieldOfficerId: text('field_officer_id').references(() => officers.id),
  note: text('note'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
})

/** The signed determination document issued at service (one per determination). */
export const determinationDocuments = sqliteTable('determination_documents', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().unique().references(() => cases.id),
  determinationId: text('determination_id').notNull().unique().references(() => determinations.id),
  documentNo: text('document_no').notNull().unique(),
  /** Canonical JSON of the document's content: exactly what was rendered and signed. */
  content: text('content').notNull(),
  pdfPath: text('pdf_path').notNull(),
  pdfSha256: text('pdf_sha256').notNull(),
  signature: text('signature').notNull(),
  keyId: text('key_id').notNull(),
  issuedAt: text('issued_at').notNull(),
})

/** Extra case links, one per party, sent by SMS at service; only the token's sha256 is kept. */
export const partyLinks = sqliteTable('party_links', {
  tokenHash: text('token_hash').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  partyId: text('party_id').notNull().unique().references(() => parties.id),
  expiresAt: text('expires_at').notNull(),
})

/** The notification outbox: written in the transaction of the change that causes the message. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').references(() => cases.id),
    kind: text('kind', { enum: ['case_received', 'determination_served', 'claim_filed', 'review_received'] }).notNull(),
    phone: text('phone').notNull(),
    body: text('body').notNull(),
    /** The gateway dedupes on it: a resend after a crash never delivers twice. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    gatewayRef: text('gateway_ref'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [index('notifications_due').on(t.status, t.nextAttemptAt)],
)

/** One insurance claim report per party, sent to the party's insurer's adapter. */
export const claims = sqliteTable(
  'claims',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').notNull().references(() => cases.id),
    partyId: text('party_id').notNull().unique().references(() => parties.id),
    insurerCode: text('insurer_code').notNull(),
    status: text('status', { enum: ['pending', 'accepted', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    reference: text('reference'),
    createdAt: text('created_at').notNull(),
    acceptedAt: text('accepted_at'),
  },
  (t) => [index('claims_due').on(t.status, t.nextAttemptAt)],
)

/** A written application for review (复核): one per accident (Art. 71–74). */
export const reviews = sqliteTable('reviews', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().unique().references(() => cases.id),
  partyId: text('party_id').references(() => parties.id),
  reason: text('reason').notNull(),
  receivedAt: text('received_at').notNull(),
})

/** Append-only (enforced by triggers in the migration); each row carries the previous row's hash. */
export const auditLog = sqliteTable('audit_log', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  actorType: text('actor_type', { enum: ['officer', 'citizen', 'system'] }).notNull(),
  actorId: text('actor_id').notNull(),
  action: text('action').notNull(),
  caseId: text('case_id'),
  detail: text('detail').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [index('audit_log_case').on(t.caseId, t.seq)])

export type CaseRow = typeof cases.$inferSelect
export type PartyRow = typeof parties.$inferSelect
export type VehicleRow = typeof vehicles.$inferSelect
export type OfficerRow = typeof officers.$inferSelect
export type DispatchRow = typeof dispatches.$inferSelect
export type AuditRow = typeof auditLog.$inferSelect
export type DocumentRow = typeof determinationDocuments.$inferSelect
export type NotificationRow = typeof notifications.$inferSelect
export type ClaimRow = typeof claims.$inferSelect
export type PlateReadingRow = typeof plateReadings.$inferSelect
export type CardReadingRow = typeof cardReadings.$inferSelect

/**
 * Transactional outbox for the city platform: one row per changed row of a case table, written by
 * triggers (appliance/outbox/triggers.ts) in the transaction that made the change. The sync agent
 * reads it in seq order and never writes the case tables.
 */
export const outbox = sqliteTable('outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  op: text('op', { enum: ['upsert', 'delete'] }).notNull(),
  caseId: text('case_id'),
  payload: text('payload').notNull(),
  at: text('at').notNull().default(now),
})
export type OutboxRow = typeof outbox.$inferSelect
