CREATE TABLE "manifest_signing_keys" (
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text NOT NULL,
	"public_key" text NOT NULL,
	"private_key_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retiring_until" timestamp with time zone,
	CONSTRAINT "manifest_signing_keys_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "notes" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "manifest_signing_keys" ADD CONSTRAINT "manifest_signing_keys_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "manifest_signing_keys_active_uq" ON "manifest_signing_keys" USING btree ("org_id") WHERE status = 'active';