CREATE TABLE "sdk_seen_signatures" (
	"org_id" text NOT NULL,
	"host_id" text NOT NULL,
	"signature" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sdk_seen_signatures_org_id_host_id_signature_pk" PRIMARY KEY("org_id","host_id","signature")
);
