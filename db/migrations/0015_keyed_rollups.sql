CREATE TABLE "daily_key_users" (
	"org_id" text NOT NULL,
	"app_id" text NOT NULL,
	"kind" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "daily_key_users_org_id_app_id_kind_day_key_host_id_version_platform_user_id_pk" PRIMARY KEY("org_id","app_id","kind","day","key","host_id","version","platform","user_id")
);
--> statement-breakpoint
CREATE TABLE "daily_keys" (
	"org_id" text NOT NULL,
	"app_id" text NOT NULL,
	"kind" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"first_ts" timestamp with time zone NOT NULL,
	"last_ts" timestamp with time zone NOT NULL,
	"sample" text,
	CONSTRAINT "daily_keys_org_id_app_id_kind_day_key_host_id_version_platform_pk" PRIMARY KEY("org_id","app_id","kind","day","key","host_id","version","platform")
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "fingerprint" text;--> statement-breakpoint
CREATE INDEX "events_unfingerprinted_idx" ON "events" USING btree ("org_id") WHERE type = 'error' AND fingerprint IS NULL;--> statement-breakpoint
-- Backfill: page views and custom events already stored are folded into the keyed rollups here. Error events need
-- their fingerprint first, which is computed in TypeScript (lib/analytics/fingerprint.ts): the server does that at
-- start (lib/analytics/queries/backfill-fingerprints.ts), as does every rollup rebuild.
INSERT INTO "daily_keys" ("org_id", "app_id", "kind", "day", "key", "host_id", "version", "platform", "count", "first_ts", "last_ts", "sample")
SELECT "org_id", "app_id", CASE "type" WHEN 'page_view' THEN 'page' ELSE 'event' END, ("ts" AT TIME ZONE 'UTC')::date,
  CASE "type" WHEN 'page_view' THEN "page" ELSE "name" END, "host_id", "version", "platform", count(*), min("ts"), max("ts"), NULL
FROM "events"
WHERE ("type" = 'page_view' AND "page" IS NOT NULL) OR ("type" = 'custom' AND "name" IS NOT NULL)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
--> statement-breakpoint
INSERT INTO "daily_key_users" ("org_id", "app_id", "kind", "day", "key", "host_id", "version", "platform", "user_id")
SELECT DISTINCT "org_id", "app_id", CASE "type" WHEN 'page_view' THEN 'page' ELSE 'event' END, ("ts" AT TIME ZONE 'UTC')::date,
  CASE "type" WHEN 'page_view' THEN "page" ELSE "name" END, "host_id", "version", "platform", "user_id"
FROM "events"
WHERE ("type" = 'page_view' AND "page" IS NOT NULL) OR ("type" = 'custom' AND "name" IS NOT NULL);
