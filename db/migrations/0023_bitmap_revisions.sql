ALTER TABLE "daily_cohort_sets" ADD COLUMN "rev" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_user_sets" ADD COLUMN "rev" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "weekly_user_sets" ADD COLUMN "rev" uuid DEFAULT gen_random_uuid() NOT NULL;