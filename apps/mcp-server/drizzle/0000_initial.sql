CREATE TABLE `automation_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`client_id` text NOT NULL,
	`kind` text NOT NULL,
	`cadence` text NOT NULL,
	`hour_utc` integer NOT NULL,
	`tickers` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automation_jobs_subject` ON `automation_jobs` (`subject`,`created_at`);--> statement-breakpoint
CREATE TABLE `tool_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`occurred_at` integer NOT NULL,
	`subject` text,
	`client_id` text,
	`tool` text NOT NULL,
	`scopes` text,
	`outcome` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `tool_calls_subject` ON `tool_calls` (`subject`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `tool_calls_client_id` ON `tool_calls` (`client_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `watchlist_items` (
	`subject` text NOT NULL,
	`ticker` text NOT NULL,
	`note` text,
	`added_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`subject`, `ticker`)
);
