CREATE TABLE `claims` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`party_id` text NOT NULL,
	`insurer_code` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`reference` text,
	`created_at` text NOT NULL,
	`accepted_at` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claims_party_id_unique` ON `claims` (`party_id`);--> statement-breakpoint
CREATE INDEX `claims_due` ON `claims` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `determination_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`determination_id` text NOT NULL,
	`document_no` text NOT NULL,
	`content` text NOT NULL,
	`pdf_path` text NOT NULL,
	`pdf_sha256` text NOT NULL,
	`signature` text NOT NULL,
	`key_id` text NOT NULL,
	`issued_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`determination_id`) REFERENCES `determinations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `determination_documents_case_id_unique` ON `determination_documents` (`case_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `determination_documents_determination_id_unique` ON `determination_documents` (`determination_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `determination_documents_document_no_unique` ON `determination_documents` (`document_no`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text,
	`kind` text NOT NULL,
	`phone` text NOT NULL,
	`body` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`gateway_ref` text,
	`created_at` text NOT NULL,
	`sent_at` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_idempotency_key_unique` ON `notifications` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `notifications_due` ON `notifications` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `party_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`party_id` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `party_links_party_id_unique` ON `party_links` (`party_id`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`party_id` text,
	`reason` text NOT NULL,
	`received_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_case_id_unique` ON `reviews` (`case_id`);