ALTER TABLE "mini_programs" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mini_programs" ADD COLUMN "archived_by" text;