// Issue 12, item 11: the cap of MAX_ENDPOINTS webhooks per organization holds when creates race.
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookEndpoints } from "@/db/schema";
import { useSeededDb } from "@/test/seeded";
import { createWebhookEndpoint, MAX_ENDPOINTS } from "./webhooks";

const s = useSeededDb();

describe("webhook endpoint cap", () => {
  it(`25 creates at once leave exactly ${MAX_ENDPOINTS} endpoints; the rest are 409 conflict`, async () => {
    const admin = await s.otherAdmin();
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => createWebhookEndpoint(admin, { url: `http://127.0.0.1:9/hook-${i}`, description: "", events: ["version.approved"] })),
    );
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as unknown);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_ENDPOINTS);
    expect(refused).toHaveLength(25 - MAX_ENDPOINTS);
    for (const e of refused) expect(e).toMatchObject({ code: "conflict" });
    const [row] = await s.db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.orgId, admin.org.id));
    expect(row!.n).toBe(MAX_ENDPOINTS);
  });
});
