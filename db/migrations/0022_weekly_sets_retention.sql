CREATE TABLE "daily_retention" (
	"org_id" text NOT NULL,
	"day" date NOT NULL,
	"app_id" text NOT NULL,
	"cohort" integer NOT NULL,
	"d1" integer NOT NULL,
	"d7" integer NOT NULL,
	CONSTRAINT "daily_retention_org_id_day_app_id_pk" PRIMARY KEY("org_id","day","app_id")
);
--> statement-breakpoint
CREATE TABLE "weekly_user_sets" (
	"org_id" text NOT NULL,
	"week" date NOT NULL,
	"app_id" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"platform" text NOT NULL,
	"users" "bytea" NOT NULL,
	CONSTRAINT "weekly_user_sets_org_id_week_app_id_host_id_version_platform_pk" PRIMARY KEY("org_id","week","app_id","host_id","version","platform")
);
