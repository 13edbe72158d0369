CREATE TABLE "credit_balances" (
	"owner" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"guest_id" text,
	"balance" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_balances_not_negative" CHECK ("credit_balances"."balance" >= 0),
	CONSTRAINT "credit_balances_one_holder" CHECK (num_nonnulls("credit_balances"."user_id", "credit_balances"."guest_id") = 1),
	CONSTRAINT "credit_balances_owner_matches" CHECK ("credit_balances"."owner" = coalesce('user:' || "credit_balances"."user_id", 'guest:' || "credit_balances"."guest_id"))
);
--> statement-breakpoint
CREATE TABLE "credit_movements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner" text NOT NULL,
	"delta" integer NOT NULL,
	"reason" text NOT NULL,
	"reference_type" text NOT NULL,
	"reference_id" text NOT NULL,
	"balance_after" integer NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_movements_once_per_cause" UNIQUE("owner","reason","reference_type","reference_id"),
	CONSTRAINT "credit_movements_delta_not_zero" CHECK ("credit_movements"."delta" <> 0),
	CONSTRAINT "credit_movements_balance_after_not_negative" CHECK ("credit_movements"."balance_after" >= 0),
	CONSTRAINT "credit_movements_reason_check" CHECK ("credit_movements"."reason" in ('grant', 'purchase', 'generation', 'refund', 'adjustment'))
);
--> statement-breakpoint
CREATE TABLE "generation_images" (
	"job_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"storage_key" text NOT NULL,
	"mime_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" integer NOT NULL,
	CONSTRAINT "generation_images_job_id_index_pk" PRIMARY KEY("job_id","index")
);
--> statement-breakpoint
CREATE TABLE "generation_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"user_id" text,
	"guest_id" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"prompt" text NOT NULL,
	"style" text NOT NULL,
	"aspect_ratio" text NOT NULL,
	"count" integer NOT NULL,
	"seed" integer NOT NULL,
	"cost" integer NOT NULL,
	"engine" text NOT NULL,
	"engine_kind" text NOT NULL,
	"source_image_key" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"failure_code" text,
	"refunded_credits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "generation_jobs_status_check" CHECK ("generation_jobs"."status" in ('queued', 'running', 'done', 'failed', 'canceled')),
	CONSTRAINT "generation_jobs_count_check" CHECK ("generation_jobs"."count" between 1 and 4),
	CONSTRAINT "generation_jobs_cost_check" CHECK ("generation_jobs"."cost" >= 0),
	CONSTRAINT "generation_jobs_refund_check" CHECK ("generation_jobs"."refunded_credits" between 0 and "generation_jobs"."cost"),
	CONSTRAINT "generation_jobs_one_holder" CHECK (num_nonnulls("generation_jobs"."user_id", "generation_jobs"."guest_id") >= 1)
);
--> statement-breakpoint
CREATE TABLE "moderation_refusals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner" text,
	"user_id" text,
	"guest_id" text,
	"prompt" text NOT NULL,
	"category" text NOT NULL,
	"rule_id" text NOT NULL,
	"matched" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_guest_id_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."guests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_movements" ADD CONSTRAINT "credit_movements_owner_credit_balances_owner_fk" FOREIGN KEY ("owner") REFERENCES "public"."credit_balances"("owner") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_images" ADD CONSTRAINT "generation_images_job_id_generation_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."generation_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_guest_id_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."guests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_refusals" ADD CONSTRAINT "moderation_refusals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_refusals" ADD CONSTRAINT "moderation_refusals_guest_id_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."guests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_movements_owner_idx" ON "credit_movements" USING btree ("owner","created_at");--> statement-breakpoint
CREATE INDEX "generation_jobs_owner_idx" ON "generation_jobs" USING btree ("owner","created_at");--> statement-breakpoint
CREATE INDEX "generation_jobs_queue_idx" ON "generation_jobs" USING btree ("run_after","created_at") WHERE "generation_jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "generation_jobs_lease_idx" ON "generation_jobs" USING btree ("lease_expires_at") WHERE "generation_jobs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "generation_jobs_guest_idx" ON "generation_jobs" USING btree ("guest_id");--> statement-breakpoint
CREATE INDEX "moderation_refusals_created_idx" ON "moderation_refusals" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "moderation_refusals_owner_idx" ON "moderation_refusals" USING btree ("owner");