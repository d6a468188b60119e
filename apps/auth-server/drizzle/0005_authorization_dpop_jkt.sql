ALTER TABLE `authorization_codes` ADD `dpop_jkt` text;--> statement-breakpoint
ALTER TABLE `interactions` ADD `dpop_jkt` text;