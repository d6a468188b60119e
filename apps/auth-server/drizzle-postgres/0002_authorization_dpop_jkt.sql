ALTER TABLE "authorization_codes" ADD COLUMN "dpop_jkt" text;--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "dpop_jkt" text;