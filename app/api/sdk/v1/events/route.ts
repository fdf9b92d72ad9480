import { NextResponse } from "next/server";
import { getIngestDb } from "@/db";
import { autoAnalyze } from "@/lib/analytics/auto-analyze";
import { ingestEvents } from "@/lib/analytics/ingest";
import { MAX_BATCH_BYTES } from "@/lib/analytics/validate";
import { sdkRoute } from "@/lib/sdk-server/verify";

export const dynamic = "force-dynamic";

export const POST = sdkRoute(
  async (caller) => {
    // Its own pool on PostgreSQL (db/index.ts), so a burst of batches cannot hold every connection pages need.
    const result = await ingestEvents(await getIngestDb(), { orgId: caller.host.orgId, id: caller.host.id }, caller.body, caller.now);
    // Keeps the planner's statistics in step with the growth (PGlite has no autovacuum); never waits here.
    autoAnalyze().noteStored(result.accepted);
    return NextResponse.json(result, { status: 202, headers: { "Cache-Control": "no-store" } });
  },
  // The verifier stops reading past this: an oversized body is refused without being buffered. A replayed batch
  // is harmless (events are idempotent by host and id: it counts as duplicates), so it skips the seen set.
  { maxBodyBytes: MAX_BATCH_BYTES, replay: "allow" },
);
