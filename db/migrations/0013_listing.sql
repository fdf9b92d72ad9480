CREATE TABLE "mini_program_media" (
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"mini_program_id" text NOT NULL,
	"kind" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"sha256" text NOT NULL,
	"mime" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" integer NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mini_program_media_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "mini_program_privacy" (
	"org_id" text NOT NULL,
	"mini_program_id" text NOT NULL,
	"rows" jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mini_program_privacy_org_id_mini_program_id_pk" PRIMARY KEY("org_id","mini_program_id")
);
--> statement-breakpoint
CREATE INDEX "mini_program_media_mp_idx" ON "mini_program_media" USING btree ("org_id","mini_program_id");--> statement-breakpoint
CREATE INDEX "mini_program_media_sha_idx" ON "mini_program_media" USING btree ("sha256");