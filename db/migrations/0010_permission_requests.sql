CREATE TABLE "permission_requests" (
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"host_id" text NOT NULL,
	"mini_program_id" text NOT NULL,
	"app_id" text NOT NULL,
	"permissions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"domains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_by_label" text,
	"decided_by" text,
	"decided_by_label" text,
	"decided_at" timestamp with time zone,
	"comment" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "permission_requests_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "permission_requests" ADD CONSTRAINT "permission_requests_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "permission_requests_host_idx" ON "permission_requests" USING btree ("org_id","host_id","id");--> statement-breakpoint
CREATE INDEX "permission_requests_pending_idx" ON "permission_requests" USING btree ("org_id","status") WHERE "permission_requests"."status" = 'pending';