// The sync ingest's tables in the city platform's store (provisioning/platform/store.ts runs them
// after the fleet's, whose `boxes` table they refer to). Append-only like every migration step.
export const SYNC_TABLES = `
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
   );
`

// Step 3: evidence records found by their sha256 without reading every evidence row's JSON (the
// queries in ingest.ts must use this exact expression and the `entity = 'evidence'` condition).
export const SYNC_EVIDENCE_SHA256_INDEX = `
   CREATE INDEX records_evidence_sha256 ON records (box_id, json_extract(payload, '$.sha256')) WHERE entity = 'evidence';
`

// Step 4: the evidence files a box's records announce and the platform does not hold yet, kept by
// triggers in the transaction that changes a record or stores a file. The missing-evidence list and
// the status page read it instead of scanning the box's whole evidence history (~0.6 s per request
// at 200,000 records). `seq` is the announcing record's sequence: uploads follow the boxes' order.
// The same expression as the step-3 index, so the lookups by sha256 below use it.
const sha256Of = (row: string) => `json_extract(${row}.payload, '$.sha256')`
/** The pending row of the file an evidence record (`row`) names, and the condition for having one. */
const pendingOf = (row: string) => `${row}.box_id, ${sha256Of(row)}, json_extract(${row}.payload, '$.size_bytes'), ${row}.seq`
const notStored = (row: string) =>
  `${sha256Of(row)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM evidence_files f WHERE f.box_id = ${row}.box_id AND f.sha256 = ${sha256Of(row)})`
const announce = `INSERT OR IGNORE INTO pending_evidence (box_id, sha256, size_bytes, seq) SELECT ${pendingOf('NEW')} WHERE ${notStored('NEW')};`
/** The OLD record's file is no longer wanted unless another record still names it. */
const withdraw = `DELETE FROM pending_evidence WHERE box_id = OLD.box_id AND sha256 = ${sha256Of('OLD')}
       AND NOT EXISTS (SELECT 1 FROM records r WHERE r.box_id = OLD.box_id AND r.entity = 'evidence' AND ${sha256Of('r')} = ${sha256Of('OLD')});`

export const SYNC_PENDING_EVIDENCE = `
   CREATE TABLE pending_evidence (
     box_id TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     size_bytes INTEGER,
     seq INTEGER NOT NULL,
     PRIMARY KEY (box_id, sha256)
   ) WITHOUT ROWID;
   CREATE INDEX pending_evidence_order ON pending_evidence (box_id, seq);
   INSERT OR IGNORE INTO pending_evidence (box_id, sha256, size_bytes, seq)
     SELECT ${pendingOf('r')} FROM records r WHERE r.entity = 'evidence' AND ${notStored('r')} ORDER BY r.seq;
   CREATE TRIGGER pending_evidence_announced AFTER INSERT ON records WHEN NEW.entity = 'evidence' BEGIN
     ${announce}
   END;
   -- A changed record may announce another file, and withdraw the one it named.
   CREATE TRIGGER pending_evidence_reannounced AFTER UPDATE OF payload ON records WHEN NEW.entity = 'evidence' BEGIN
     ${announce}
     ${withdraw}
   END;
   CREATE TRIGGER pending_evidence_withdrawn AFTER DELETE ON records WHEN OLD.entity = 'evidence' BEGIN
     ${withdraw}
   END;
   CREATE TRIGGER pending_evidence_stored AFTER INSERT ON evidence_files BEGIN
     DELETE FROM pending_evidence WHERE box_id = NEW.box_id AND sha256 = NEW.sha256;
   END;
`
