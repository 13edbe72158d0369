CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"note" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_days_kind_check" CHECK ("calendar_days"."kind" in ('holiday', 'workday'))
);
--> statement-breakpoint
CREATE TABLE "cookie_consents" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"guest_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_choice_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_subject_request_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_user_id" text,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_subject_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "data_subject_requests_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"regime" text NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"locale" text NOT NULL,
	"email" text NOT NULL,
	"user_id" text,
	"guest_id" text,
	"details" text DEFAULT '' NOT NULL,
	"confirm_token_hash" text,
	"confirm_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"received_at" timestamp with time zone,
	"original_due_on" date,
	"due_on" date,
	"extended_at" timestamp with time zone,
	"extension_reason" text,
	"completed_at" timestamp with time zone,
	"completion_note" text,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "data_subject_requests_number_key" UNIQUE("number"),
	CONSTRAINT "data_subject_requests_confirm_token_key" UNIQUE("confirm_token_hash"),
	CONSTRAINT "data_subject_requests_kind_check" CHECK ("data_subject_requests"."kind" in ('access', 'correction', 'deletion', 'portability', 'objection', 'withdrawal')),
	CONSTRAINT "data_subject_requests_regime_check" CHECK ("data_subject_requests"."regime" in ('ru', 'gdpr')),
	CONSTRAINT "data_subject_requests_status_check" CHECK ("data_subject_requests"."status" in ('awaiting-confirmation', 'open', 'completed')),
	CONSTRAINT "data_subject_requests_received_has_due" CHECK ("data_subject_requests"."status" = 'awaiting-confirmation' or ("data_subject_requests"."received_at" is not null and "data_subject_requests"."due_on" is not null and "data_subject_requests"."original_due_on" is not null)),
	CONSTRAINT "data_subject_requests_completed_has_outcome" CHECK (("data_subject_requests"."status" = 'completed') = ("data_subject_requests"."completed_at" is not null and "data_subject_requests"."outcome" is not null)),
	CONSTRAINT "data_subject_requests_extension_reasoned" CHECK ("data_subject_requests"."extended_at" is null or ("data_subject_requests"."regime" = 'ru' and length(trim("data_subject_requests"."extension_reason")) > 0))
);
--> statement-breakpoint
CREATE TABLE "page_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"visitor_id" text NOT NULL,
	"route" text NOT NULL,
	"locale" text NOT NULL,
	"device" text NOT NULL,
	"viewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "page_views_device_check" CHECK ("page_views"."device" in ('desktop', 'mobile', 'tablet', 'other')),
	CONSTRAINT "page_views_locale_check" CHECK ("page_views"."locale" in ('ru', 'en'))
);
--> statement-breakpoint
ALTER TABLE "calendar_days" ADD CONSTRAINT "calendar_days_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cookie_consents" ADD CONSTRAINT "cookie_consents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cookie_consents" ADD CONSTRAINT "cookie_consents_guest_id_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."guests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_request_events" ADD CONSTRAINT "data_subject_request_events_request_id_data_subject_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."data_subject_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_request_events" ADD CONSTRAINT "data_subject_request_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_requests" ADD CONSTRAINT "data_subject_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_requests" ADD CONSTRAINT "data_subject_requests_guest_id_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."guests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cookie_consents_user_idx" ON "cookie_consents" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "cookie_consents_guest_idx" ON "cookie_consents" USING btree ("guest_id");--> statement-breakpoint
CREATE INDEX "data_subject_request_events_request_idx" ON "data_subject_request_events" USING btree ("request_id","at");--> statement-breakpoint
CREATE INDEX "data_subject_requests_queue_idx" ON "data_subject_requests" USING btree ("status","due_on");--> statement-breakpoint
CREATE INDEX "data_subject_requests_user_idx" ON "data_subject_requests" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "page_views_viewed_at_idx" ON "page_views" USING btree ("viewed_at");