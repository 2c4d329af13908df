CREATE INDEX `audit_log_case` ON `audit_log` (`case_id`,`seq`);--> statement-breakpoint
CREATE INDEX `determination_parties_determination` ON `determination_parties` (`determination_id`);--> statement-breakpoint
CREATE INDEX `eligibility_results_case` ON `eligibility_results` (`case_id`,`assessed_at`);--> statement-breakpoint
CREATE INDEX `evidence_case` ON `evidence` (`case_id`,`captured_at`);