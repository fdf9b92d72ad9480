CREATE TABLE "daily_user_sets" (
	"org_id" text NOT NULL,
	"day" date NOT NULL,
	"app_id" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"users" "bytea" NOT NULL,
	CONSTRAINT "daily_user_sets_org_id_day_app_id_host_id_version_platform_pk" PRIMARY KEY("org_id","day","app_id","host_id","version","platform")
);
--> statement-breakpoint
CREATE TABLE "org_user_counters" (
	"org_id" text NOT NULL,
	"next" integer NOT NULL,
	CONSTRAINT "org_user_counters_org_id_pk" PRIMARY KEY("org_id")
);
--> statement-breakpoint
CREATE TABLE "org_users" (
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"uid" integer NOT NULL,
	CONSTRAINT "org_users_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "pending_user_days" (
	"org_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "pending_user_days_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"app_id" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "pending_user_days_org_id_seq_pk" PRIMARY KEY("org_id","seq")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "org_users_uid_idx" ON "org_users" USING btree ("org_id","uid");--> statement-breakpoint
-- Backfill, part 1: number the users every existing organization already has (part 2, the bitmaps, is built
-- from daily_users by backfillUserSets() right after the migrations: SQL cannot write the roaring format).
INSERT INTO "org_users" ("org_id", "user_id", "uid")
SELECT "org_id", "user_id", (row_number() OVER (PARTITION BY "org_id" ORDER BY "user_id") - 1)::int
FROM (SELECT DISTINCT "org_id", "user_id" FROM "daily_users") u;
--> statement-breakpoint
INSERT INTO "org_user_counters" ("org_id", "next")
SELECT "org_id", count(*)::int FROM "org_users" GROUP BY "org_id";
