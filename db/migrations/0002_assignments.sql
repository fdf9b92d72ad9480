CREATE TABLE "assignment_events" (
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"assignment_id" text NOT NULL,
	"host_id" text NOT NULL,
	"app_id" text NOT NULL,
	"action" text NOT NULL,
	"from" jsonb,
	"to" jsonb,
	"actor_id" text,
	"actor_label" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignment_events_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "manifest_revisions" (
	"org_id" text NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "manifest_revisions_org_id_pk" PRIMARY KEY("org_id")
);
--> statement-breakpoint
ALTER TABLE "assignment_events" ADD CONSTRAINT "assignment_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manifest_revisions" ADD CONSTRAINT "manifest_revisions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignment_events_assignment_idx" ON "assignment_events" USING btree ("org_id","assignment_id","id");--> statement-breakpoint
CREATE INDEX "assignment_events_host_idx" ON "assignment_events" USING btree ("org_id","host_id","id");