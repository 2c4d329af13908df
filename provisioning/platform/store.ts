// The city platform's store: its own SQLite file (not the box's case store), shared by the fleet
// (registry, enrolment, heartbeats, rollouts, admins) and the sync ingest (sync/platform/db/).
// WAL, synchronous=FULL: an acknowledged enrolment, rollout or batch survives a power cut.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { auditHash, GENESIS_HASH } from '../../appliance/audit/chain.ts'
import { SYNC_EVIDENCE_SHA256_INDEX, SYNC_PENDING_EVIDENCE, SYNC_TABLES } from '../../sync/platform/db/sync-tables.ts'

export type PlatformDb = Database.Database

// Versioned by user_version: append a step, never edit one that has shipped.
const MIGRATIONS = [
  `
  CREATE TABLE boxes (
    box_id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT,
    desired_config_version TEXT
  );
  CREATE TABLE bootstrap_tokens (
    token_hash TEXT PRIMARY KEY,
    district_id TEXT NOT NULL,
    box_url TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by_box TEXT
  );
  CREATE TABLE heartbeats (
    box_id TEXT PRIMARY KEY REFERENCES boxes(box_id),
    received_at TEXT NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE TABLE configs (
    version TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE rollouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL REFERENCES configs(version),
    target TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'rolled_back')),
    reason TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE rollout_boxes (
    rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
    box_id TEXT NOT NULL REFERENCES boxes(box_id),
    previous_version TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'failed', 'reverted')),
    error TEXT,
    PRIMARY KEY (rollout_id, box_id)
  );
  CREATE TABLE admins (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
  );
  CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES admins(username),
    expires_at TEXT NOT NULL
  );
  CREATE TABLE fleet_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE TRIGGER fleet_audit_no_update BEFORE UPDATE ON fleet_audit BEGIN SELECT RAISE(ABORT, 'fleet_audit is append-only'); END;
  CREATE TRIGGER fleet_audit_no_delete BEFORE DELETE ON fleet_audit BEGIN SELECT RAISE(ABORT, 'fleet_audit is append-only'); END;
  `,
  SYNC_TABLES,
  SYNC_EVIDENCE_SHA256_INDEX,
  SYNC_PENDING_EVIDENCE,
]

export function openPlatformDb(file: string): PlatformDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    // A newer build migrated this store: an older one must not mark it older (and break the next upgrade).
    db.close()
    throw new Error(`platform store ${file} is at schema step ${current}; this build knows ${MIGRATIONS.length}: run the newer build`)
  }
  db.transaction(() => {
    MIGRATIONS.slice(current).forEach((sql) => db.exec(sql))
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  })()
  return db
}

export interface FleetActor {
  type: 'admin' | 'box' | 'system'
  id: string
}

/** Appends to the platform's hash-chained audit log; call inside the transaction of the change. */
export function appendFleetAudit(db: PlatformDb, actor: FleetActor, action: string, subject: string | null, detail: Record<string, unknown>, at: string) {
  const last = db.prepare('SELECT seq, hash FROM fleet_audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined
  const content = { seq: (last?.seq ?? 0) + 1, at, actorType: actor.type, actorId: actor.id, action, caseId: subject, detail: JSON.stringify(detail) }
  const prevHash = last?.hash ?? GENESIS_HASH
  db.prepare(
    'INSERT INTO fleet_audit (seq, at, actor_type, actor_id, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(content.seq, at, actor.type, actor.id, action, subject, content.detail, prevHash, auditHash(prevHash, content))
}
