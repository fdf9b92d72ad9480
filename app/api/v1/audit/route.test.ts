// The audit API's bad filters answer like every other bad input: invalid_input with details.fields (issue 12
// item 19; it answered details.issues, a shape nothing else used).
import { describe, expect, it } from "vitest";
import { inProcessFetch } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";

useSeededDb();
const api = inProcessFetch();
const get = async (path: string) => {
  const res = await api(`http://atrium.test${path}`, { headers: { authorization: "Bearer t_admin_demo" } });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; details?: { fields?: Record<string, string[]> } }; items?: unknown[] } };
};

describe("GET /api/v1/audit filters", () => {
  it("a bad filter is invalid_input with details.fields", async () => {
    const res = await get("/api/v1/audit?from=2026-02-30");
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe("invalid_input");
    expect(Object.keys(res.body.error?.details?.fields ?? {})).toEqual(["from"]);
  });

  it("a bad list parameter is too, and an empty filter is no filter", async () => {
    const bad = await get("/api/v1/audit?limit=0");
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error?.details?.fields ?? {})).toEqual(["limit"]);
    const empty = await get("/api/v1/audit?actor=&objectType=&limit=5");
    expect(empty.status).toBe(200);
    expect(empty.body.items).toHaveLength(5);
  });
});
