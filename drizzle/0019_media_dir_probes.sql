CREATE TABLE "media_dir_probes" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
