CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"pack_id" text NOT NULL,
	"pack_name" text NOT NULL,
	"credits" integer NOT NULL,
	"amount_kopecks" integer NOT NULL,
	"provider" text NOT NULL,
	"terminal_key" text NOT NULL,
	"status" text DEFAULT 'created' NOT NULL,
	"bank_status" text,
	"payment_id" text,
	"payment_url" text,
	"receipt_email" text NOT NULL,
	"locale" text NOT NULL,
	"failure" text,
	"flagged_reason" text,
	"refunded_kopecks" integer DEFAULT 0 NOT NULL,
	"refunded_credits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "orders_payment_id_key" UNIQUE("payment_id"),
	CONSTRAINT "orders_status_check" CHECK ("orders"."status" in ('created', 'pending', 'init-failed', 'authorized', 'confirmed', 'rejected', 'canceled', 'expired', 'partially-refunded', 'refunded')),
	CONSTRAINT "orders_credits_check" CHECK ("orders"."credits" > 0),
	CONSTRAINT "orders_amount_check" CHECK ("orders"."amount_kopecks" > 0),
	CONSTRAINT "orders_refund_check" CHECK ("orders"."refunded_kopecks" between 0 and "orders"."amount_kopecks"),
	CONSTRAINT "orders_refunded_credits_check" CHECK ("orders"."refunded_credits" between 0 and "orders"."credits")
);
--> statement-breakpoint
CREATE TABLE "payment_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid,
	"payment_id" text,
	"bank_status" text,
	"amount_kopecks" integer,
	"outcome" text NOT NULL,
	"body" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"credits" integer NOT NULL,
	"amount_kopecks" integer NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"bank_status" text,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "refunds_credits_check" CHECK ("refunds"."credits" > 0),
	CONSTRAINT "refunds_amount_check" CHECK ("refunds"."amount_kopecks" > 0)
);
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_notifications" ADD CONSTRAINT "payment_notifications_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_user_idx" ON "orders" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_notifications_order_idx" ON "payment_notifications" USING btree ("order_id","received_at");--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "refunds" USING btree ("order_id");