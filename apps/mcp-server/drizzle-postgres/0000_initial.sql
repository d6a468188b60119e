CREATE TABLE "automation_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"client_id" text NOT NULL,
	"kind" text NOT NULL,
	"cadence" text NOT NULL,
	"hour_utc" integer NOT NULL,
	"tickers" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_calls" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tool_calls_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"subject" text,
	"client_id" text,
	"tool" text NOT NULL,
	"scopes" text,
	"outcome" text NOT NULL,
	"duration_ms" integer NOT NULL,
	"error" text,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "watchlist_items" (
	"subject" text NOT NULL,
	"ticker" text NOT NULL,
	"note" text,
	"added_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "watchlist_items_subject_ticker_pk" PRIMARY KEY("subject","ticker")
);
--> statement-breakpoint
CREATE INDEX "automation_jobs_subject" ON "automation_jobs" USING btree ("subject","created_at");--> statement-breakpoint
CREATE INDEX "tool_calls_subject" ON "tool_calls" USING btree ("subject","occurred_at");--> statement-breakpoint
CREATE INDEX "tool_calls_client_id" ON "tool_calls" USING btree ("client_id","occurred_at");--> statement-breakpoint
CREATE INDEX "tool_calls_occurred_at" ON "tool_calls" USING btree ("occurred_at");