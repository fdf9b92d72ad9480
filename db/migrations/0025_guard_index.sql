DROP INDEX "events_ts_idx";--> statement-breakpoint
CREATE INDEX "events_guard_idx" ON "events" USING btree ("org_id","app_id","host_id","version","ts") WHERE type IN ('launch', 'error');