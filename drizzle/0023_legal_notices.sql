CREATE TABLE "legal_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"document_version_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"locale" text NOT NULL,
	"version" integer NOT NULL,
	"accepted_version" integer NOT NULL,
	"notice_locale" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"mail_status" text DEFAULT 'pending' NOT NULL,
	"mail_finished_at" timestamp with time zone,
	"dismissed_at" timestamp with time zone,
	CONSTRAINT "legal_notices_user_version_key" UNIQUE("user_id","document_version_id"),
	CONSTRAINT "legal_notices_mail_status_check" CHECK ("legal_notices"."mail_status" in ('pending', 'sent', 'failed', 'not-sent')),
	CONSTRAINT "legal_notices_kind_check" CHECK ("legal_notices"."kind" in ('privacy', 'terms', 'cookies', 'consent'))
);
--> statement-breakpoint
ALTER TABLE "mail_outbox" DROP CONSTRAINT "mail_outbox_kind_check";--> statement-breakpoint
ALTER TABLE "legal_notices" ADD CONSTRAINT "legal_notices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_notices" ADD CONSTRAINT "legal_notices_document_version_id_legal_document_versions_id_fk" FOREIGN KEY ("document_version_id") REFERENCES "public"."legal_document_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legal_notices_version_idx" ON "legal_notices" USING btree ("document_version_id");--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_kind_check" CHECK ("mail_outbox"."kind" in ('registration', 'verification', 'payment', 'registration-attempt', 'legal-notice'));