CREATE TABLE "daily_key_sets" (
	"org_id" text NOT NULL,
	"app_id" text NOT NULL,
	"kind" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"users" "bytea" NOT NULL,
	CONSTRAINT "daily_key_sets_org_id_app_id_kind_day_key_pk" PRIMARY KEY("org_id","app_id","kind","day","key")
);
--> statement-breakpoint
CREATE TABLE "pending_key_users" (
	"org_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "pending_key_users_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"app_id" text NOT NULL,
	"kind" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "pending_key_users_org_id_seq_pk" PRIMARY KEY("org_id","seq")
);
--> statement-breakpoint
-- Every key-user already stored starts pending: readers count them exactly from here on, and the background fold
-- numbers them and ORs them into daily_key_sets a few thousand at a time.
INSERT INTO "pending_key_users" ("org_id", "app_id", "kind", "day", "key", "user_id")
SELECT DISTINCT "org_id", "app_id", "kind", "day", "key", "user_id" FROM "daily_key_users"
ORDER BY 1, 2, 3, 4, 5, 6;
