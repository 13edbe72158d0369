CREATE TABLE "refused_webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"webhook" text NOT NULL,
	"reason" text NOT NULL,
	"byte_length" integer NOT NULL,
	"body_sha256" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "refused_webhooks_received_idx" ON "refused_webhooks" USING btree ("received_at");