CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`case_id` text,
	`detail` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`case_no` text NOT NULL,
	`district_id` text NOT NULL,
	`state` text NOT NULL,
	`call_status` text DEFAULT 'none' NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`location_accuracy_m` real,
	`address` text,
	`reporter_phone` text NOT NULL,
	`reported_plate` text,
	`token_hash` text NOT NULL,
	`token_expires_at` text NOT NULL,
	`officer_id` text,
	`inside_service_area` integer DEFAULT true NOT NULL,
	`injury_or_death` integer DEFAULT false NOT NULL,
	`suspected_drink_or_drugs` integer DEFAULT false NOT NULL,
	`party_left_scene` integer DEFAULT false NOT NULL,
	`deliberate` integer DEFAULT false NOT NULL,
	`suspected_overload` integer DEFAULT false NOT NULL,
	`serious_speeding` integer DEFAULT false NOT NULL,
	`vehicles_movable` integer DEFAULT true NOT NULL,
	`reported_at` text NOT NULL,
	`answered_at` text,
	`parties_released_at` text,
	`determined_at` text,
	`served_at` text,
	`finished_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_case_no_unique` ON `cases` (`case_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `cases_token_hash_unique` ON `cases` (`token_hash`);--> statement-breakpoint
CREATE INDEX `cases_district_state` ON `cases` (`district_id`,`state`,`reported_at`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `determination_parties` (
	`determination_id` text NOT NULL,
	`party_id` text NOT NULL,
	`liability` text NOT NULL,
	`violation` text,
	`clause` text,
	FOREIGN KEY (`determination_id`) REFERENCES `determinations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `determination_parties_party_id_unique` ON `determination_parties` (`party_id`);--> statement-breakpoint
CREATE TABLE `determinations` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`accident_time` text NOT NULL,
	`place` text NOT NULL,
	`weather` text NOT NULL,
	`accident_type` text NOT NULL,
	`impact_points` text NOT NULL,
	`facts` text NOT NULL,
	`officer_id` text NOT NULL,
	`determined_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `determinations_case_id_unique` ON `determinations` (`case_id`);--> statement-breakpoint
CREATE TABLE `dispatches` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`district_id` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`address` text,
	`reasons` text NOT NULL,
	`status` text NOT NULL,
	`field_officer_id` text,
	`note` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`field_officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dispatches_case_id_unique` ON `dispatches` (`case_id`);--> statement-breakpoint
CREATE TABLE `eligibility_results` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`eligible` integer NOT NULL,
	`reasons` text NOT NULL,
	`flags` text NOT NULL,
	`assessed_at` text NOT NULL,
	`assessed_by` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `evidence` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`file_path` text NOT NULL,
	`sha256` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`captured_at` text NOT NULL,
	`captured_by` text NOT NULL,
	`lat` real,
	`lng` real,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `officers` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`badge_no` text NOT NULL,
	`district_id` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `officers_username_unique` ON `officers` (`username`);--> statement-breakpoint
CREATE TABLE `parties` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`ordinal` integer NOT NULL,
	`label` text NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`id_number` text,
	`licence_number` text,
	`licence_classes` text,
	`licence_valid_until` text,
	`licence_status` text,
	`licence_attested` integer DEFAULT false NOT NULL,
	`bears_liability` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `parties_case_ordinal` ON `parties` (`case_id`,`ordinal`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`officer_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`officer_id`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `vehicles` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`party_id` text NOT NULL,
	`vehicle_type` text NOT NULL,
	`plate` text,
	`plate_colour` text,
	`plate_suspected_forged` integer DEFAULT false NOT NULL,
	`registration_status` text,
	`registration_attested` integer DEFAULT false NOT NULL,
	`insurer` text,
	`insurer_code` text,
	`policy_number` text,
	`insured_until` text,
	`insurance_status` text,
	`insurance_attested` integer DEFAULT false NOT NULL,
	`verified_at` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vehicles_party_id_unique` ON `vehicles` (`party_id`);