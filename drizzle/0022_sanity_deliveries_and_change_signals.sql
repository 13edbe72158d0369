CREATE TABLE "sanity_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivery_key" text,
	"document_id" text NOT NULL,
	"document_type" text,
	"revision" text,
	"operation" text,
	"publisher_id" text,
	"kind" text,
	"locale" text,
	"version" integer,
	"approval" jsonb,
	"outcome" text NOT NULL,
	"archived_version_id" uuid,
	"detail" text,
	CONSTRAINT "sanity_deliveries_outcome_check" CHECK ("sanity_deliveries"."outcome" in ('archived', 'already-archived', 'conflict', 'not-found', 'failed', 'deleted', 'cache-invalidated'))
);
--> statement-breakpoint
CREATE TABLE "change_signals" (
	"name" text PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sanity_deliveries" ADD CONSTRAINT "sanity_deliveries_archived_version_id_legal_document_versions_id_fk" FOREIGN KEY ("archived_version_id") REFERENCES "public"."legal_document_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sanity_deliveries_received_idx" ON "sanity_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "sanity_deliveries_version_idx" ON "sanity_deliveries" USING btree ("kind","locale","version");--> statement-breakpoint
-- The delivery log is the audit trail of publishing (who published which
-- revision, what the site archived): like the archive, written once.
CREATE FUNCTION "sanity_deliveries_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'sanity_deliveries is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'The delivery log is the audit trail of publishing.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "sanity_deliveries_refuse_update_delete"
BEFORE UPDATE OR DELETE ON "sanity_deliveries"
FOR EACH STATEMENT EXECUTE FUNCTION "sanity_deliveries_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "sanity_deliveries_refuse_truncate"
BEFORE TRUNCATE ON "sanity_deliveries"
FOR EACH STATEMENT EXECUTE FUNCTION "sanity_deliveries_refuse_change"();
