// The typed client cannot drift from the API: its types are the document's, regenerated here and compared with
// the committed file (npm run api:client rewrites it).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inProcessFetch } from "@/test/api-router";
import { useSeededDb } from "@/test/seeded";
import { generateApiClientTypes } from "./generate";
import { createAtriumClient } from "./index";

useSeededDb();

describe("the typed client", () => {
  it("is generated from the current OpenAPI document (run `npm run api:client` when this fails)", async () => {
    const committed = fs.readFileSync(path.join(import.meta.dirname, "schema.d.ts"), "utf8");
    expect(committed).toBe(await generateApiClientTypes());
  });

  it("calls the API with typed paths, parameters and answers", async () => {
    const client = createAtriumClient({ baseUrl: "http://atrium.test/", token: "t_admin_demo", fetch: inProcessFetch() });
    const { data, error, response } = await client.GET("/api/v1/mini-programs/{appId}", { params: { path: { appId: "com.demo.coupons" } } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data?.appId).toBe("com.demo.coupons");
    const missing = await client.GET("/api/v1/versions/{versionId}", { params: { path: { versionId: "ver_missing" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe("not_found");
  });
});
