CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`occurred_at` integer NOT NULL,
	`event` text NOT NULL,
	`outcome` text NOT NULL,
	`client_id` text,
	`subject` text,
	`actor_user_id` text,
	`ip_address` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_occurred_at` ON `audit_events` (`occurred_at`);--> statement-breakpoint
CREATE INDEX `audit_events_client_id` ON `audit_events` (`client_id`);--> statement-breakpoint
CREATE INDEX `audit_events_event` ON `audit_events` (`event`);--> statement-breakpoint
CREATE TABLE `clients` (
	`client_id` text PRIMARY KEY NOT NULL,
	`registration_type` text NOT NULL,
	`client_secret_digest` text,
	`token_endpoint_auth_method` text NOT NULL,
	`application_type` text NOT NULL,
	`redirect_uris` text NOT NULL,
	`grant_types` text NOT NULL,
	`response_types` text NOT NULL,
	`client_name` text,
	`client_uri` text,
	`logo_uri` text,
	`tos_uri` text,
	`policy_uri` text,
	`contacts` text,
	`software_id` text,
	`software_version` text,
	`scope` text,
	`allowed_scopes` text,
	`allowed_resources` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`disabled_at` integer
);
--> statement-breakpoint
CREATE TABLE `revoked_access_tokens` (
	`jti` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revoked_access_tokens_expires_at` ON `revoked_access_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`alg` text NOT NULL,
	`public_jwk` text NOT NULL,
	`encrypted_private_jwk` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`disabled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);