CREATE TABLE `card_readings` (
	`evidence_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text,
	`card_type` text,
	`fields` text,
	`valid` integer,
	`read_at` text,
	`applied` text,
	`applied_party_id` text,
	`corrected` integer,
	`applied_by` text,
	`applied_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`evidence_id`) REFERENCES `evidence`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`applied_party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`applied_by`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_readings_case` ON `card_readings` (`case_id`);
--> statement-breakpoint
-- Outbox triggers for the new table (printed by `npx tsx appliance/outbox/triggers.ts`).
CREATE TRIGGER outbox_card_readings_insert AFTER INSERT ON card_readings
BEGIN
  INSERT INTO outbox (entity, entity_id, op, case_id, payload) VALUES ('card_readings', NEW.evidence_id, 'upsert', NEW.case_id, json_object('evidence_id', NEW.evidence_id, 'case_id', NEW.case_id, 'status', NEW.status, 'error_code', NEW.error_code, 'card_type', NEW.card_type, 'fields', NEW.fields, 'valid', NEW.valid, 'read_at', NEW.read_at, 'applied', NEW.applied, 'applied_party_id', NEW.applied_party_id, 'corrected', NEW.corrected, 'applied_by', NEW.applied_by, 'applied_at', NEW.applied_at, 'created_at', NEW.created_at));
END;
--> statement-breakpoint
CREATE TRIGGER outbox_card_readings_update AFTER UPDATE ON card_readings
BEGIN
  INSERT INTO outbox (entity, entity_id, op, case_id, payload) VALUES ('card_readings', NEW.evidence_id, 'upsert', NEW.case_id, json_object('evidence_id', NEW.evidence_id, 'case_id', NEW.case_id, 'status', NEW.status, 'error_code', NEW.error_code, 'card_type', NEW.card_type, 'fields', NEW.fields, 'valid', NEW.valid, 'read_at', NEW.read_at, 'applied', NEW.applied, 'applied_party_id', NEW.applied_party_id, 'corrected', NEW.corrected, 'applied_by', NEW.applied_by, 'applied_at', NEW.applied_at, 'created_at', NEW.created_at));
END;
--> statement-breakpoint
CREATE TRIGGER outbox_card_readings_delete AFTER DELETE ON card_readings
BEGIN
  INSERT INTO outbox (entity, entity_id, op, case_id, payload) VALUES ('card_readings', OLD.evidence_id, 'delete', OLD.case_id, '{}');
END;
