CREATE TABLE "daily_stats" (
	"org_id" text NOT NULL,
	"day" date NOT NULL,
	"app_id" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"launches" integer DEFAULT 0 NOT NULL,
	"page_views" integer DEFAULT 0 NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"session_ms" bigint DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_stats_org_id_day_app_id_host_id_version_platform_pk" PRIMARY KEY("org_id","day","app_id","host_id","version","platform")
);
--> statement-breakpoint
CREATE TABLE "daily_users" (
	"org_id" text NOT NULL,
	"day" date NOT NULL,
	"app_id" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "daily_users_org_id_day_app_id_host_id_version_platform_user_id_pk" PRIMARY KEY("org_id","day","app_id","host_id","version","platform","user_id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"org_id" text NOT NULL,
	"host_id" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"app_id" text NOT NULL,
	"version" text NOT NULL,
	"user_id" text NOT NULL,
	"platform" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"duration_ms" integer,
	"page" text,
	"name" text,
	"message" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_org_id_host_id_id_pk" PRIMARY KEY("org_id","host_id","id")
);
--> statement-breakpoint
CREATE TABLE "first_launches" (
	"org_id" text NOT NULL,
	"app_id" text NOT NULL,
	"user_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"host_id" text NOT NULL,
	"event_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	CONSTRAINT "first_launches_org_id_app_id_user_id_pk" PRIMARY KEY("org_id","app_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "events_ts_idx" ON "events" USING btree ("org_id","ts");--> statement-breakpoint
CREATE INDEX "first_launches_day_idx" ON "first_launches" USING btree ("org_id","day");