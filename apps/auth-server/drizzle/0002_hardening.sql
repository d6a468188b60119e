ALTER TABLE `clients` ADD `introspection_allowed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `interactions` ADD `browser_binding` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `successor_digest` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `revoked_at` integer;--> statement-breakpoint
CREATE INDEX `refresh_tokens_expires_at` ON `refresh_tokens` (`expires_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `session_epoch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `authorization_codes_expires_at` ON `authorization_codes` (`expires_at`);