CREATE TABLE "releases" (
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"mini_program_id" text NOT NULL,
	"app_id" text NOT NULL,
	"version_id" text NOT NULL,
	"version" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"rings" jsonb NOT NULL,
	"current_ring" integer DEFAULT 0 NOT NULL,
	"halt_reason" text,
	"created_by" text,
	"created_by_label" text,
	"revision" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "releases_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "rules" jsonb;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "trial_version_id" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "testers" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "schedule" jsonb;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "next_step_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "guardrail" jsonb;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "guardrail_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "halted_by" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "halt_reason" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "halted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "release_id" text;--> statement-breakpoint
ALTER TABLE "host_apps" ADD COLUMN "url_scheme" text;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "releases_app_idx" ON "releases" USING btree ("org_id","app_id","id");--> statement-breakpoint
CREATE INDEX "releases_running_idx" ON "releases" USING btree ("status") WHERE "releases"."status" = 'running';--> statement-breakpoint
CREATE INDEX "assignments_next_step_idx" ON "assignments" USING btree ("next_step_at") WHERE "assignments"."next_step_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "assignments_guardrail_idx" ON "assignments" USING btree ("org_id") WHERE "assignments"."guardrail" IS NOT NULL AND "assignments"."candidate_version_id" IS NOT NULL;