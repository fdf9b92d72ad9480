CREATE TABLE "daily_cohort_sets" (
	"org_id" text NOT NULL,
	"day" date NOT NULL,
	"app_id" text NOT NULL,
	"users" "bytea" NOT NULL,
	CONSTRAINT "daily_cohort_sets_org_id_day_app_id_pk" PRIMARY KEY("org_id","day","app_id")
);
--> statement-breakpoint
ALTER TABLE "first_launches" ADD COLUMN "folded_day" date;--> statement-breakpoint
CREATE INDEX "first_launches_unfolded_idx" ON "first_launches" USING btree ("org_id") WHERE "first_launches"."folded_day" IS DISTINCT FROM "first_launches"."day";