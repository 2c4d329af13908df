CREATE TABLE `plate_readings` (
	`evidence_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text,
	`machine_plate` text,
	`machine_confidence` real,
	`machine_colour` text,
	`readings` text,
	`read_at` text,
	`confirmed_plate` text,
	`corrected` integer,
	`confirmed_by` text,
	`confirmed_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`evidence_id`) REFERENCES `evidence`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`confirmed_by`) REFERENCES `officers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plate_readings_case` ON `plate_readings` (`case_id`);