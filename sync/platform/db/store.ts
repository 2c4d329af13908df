// The city platform's own store (SQLite by default), separate from the box's case store. Schema
// changes go in MIGRATIONS (append only); PRAGMA user_version records how many have run.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type PlatformDb = Database.Database

const MIGRATIONS = [
  `CREATE TABLE boxes (
     box_id TEXT PRIMARY KEY,
     district_id TEXT NOT NULL,
     public_key_pem TEXT NOT NULL,
     key_id TEXT NOT NULL,
     registered_at TEXT NOT NULL,
     revoked_at TEXT
   );
   -- What the platform knows of each box's sync: contiguous ack, the box's outbox head, contact.
   CREATE TABLE box_sync (
     box_id TEXT PRIMARY KEY REFERENCES boxes(box_id),
     acked_seq INTEGER NOT NULL DEFAULT 0,
     head_seq INTEGER NOT NULL DEFAULT 0,
     last_contact_at TEXT,
     skew_ms INTEGER,
     -- While a backlog remains: the box-clock time of the newest event applied (lag = its age).
     behind_since TEXT
   );
   -- Every event once: the primary key deduplicates redelivery.
   CREATE TABLE events (
     box_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     entity TEXT NOT NULL,
     entity_id TEXT NOT NULL,
     op TEXT NOT NULL,
     case_id TEXT,
     payload TEXT NOT NULL,
     at TEXT NOT NULL,
     received_at TEXT NOT NULL,
     PRIMARY KEY (box_id, seq)
   ) WITHOUT ROWID;
   CREATE INDEX events_case ON events (box_id, case_id, seq);
   -- The latest state of every synced row (cases, parties, determinations, evidence metadata, …),
   -- applied in sequence order.
   CREATE TABLE records (
     box_id TEXT NOT NULL,
     entity TEXT NOT NULL,
     entity_id TEXT NOT NULL,
     case_id TEXT,
     payload TEXT NOT NULL,
     seq INTEGER NOT NULL,
     PRIMARY KEY (box_id, entity, entity_id)
   ) WITHOUT ROWID;
   CREATE INDEX records_case ON records (box_id, case_id);
   -- Evidence files received and verified (sha256 recomputed by the platform).
   CREATE TABLE evidence_files (
     box_id TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     size_bytes INTEGER NOT NULL,
     stored_at TEXT NOT NULL,
     PRIMARY KEY (box_id, sha256)
   ) WITHOUT ROWID;
   -- Configuration and registry documents published to boxes, by version.
   CREATE TABLE downstream (
     name TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     body TEXT NOT NULL,
     published_at TEXT NOT NULL
   );`,
]

export function openPlatformDb(file: string): PlatformDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // An acknowledged batch survives a power cut.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  const done = db.pragma('user_version', { simple: true }) as number
  db.transaction(() => {
    for (let i = done; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]!)
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  })()
  return db
}
