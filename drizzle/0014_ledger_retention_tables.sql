CREATE TABLE "guest_deletions" (
	"guest_id" text PRIMARY KEY NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "acceptances_consent_idx" ON "acceptances" USING btree ("consent_id","recorded_at") WHERE "acceptances"."consent_id" is not null;