// The reviewer's sandboxed preview, server side (issue 17 item 1): who may open one, what its frame is served and
// under which policy, and that the capability in its URL dies with the session, the membership or the clock.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { memberships, sessions } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { loadOrgContext, type OrgContext } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { PREVIEW_TTL_MS } from "@/lib/preview/token";
import { useSeededDb } from "@/test/seeded";
import { GET } from "@/app/preview/[token]/[...path]/route";
import { addCollaborator, createMiniProgram } from "./mini-programs";
import { PREVIEW_CSP, servePreview, startPreview } from "./preview";
import { uploadVersion } from "./versions";

withTempBlobStore();
const s = useSeededDb();
const APP = "com.example.preview-lab";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201f5a0f9a80000000049454e44ae426082", "hex");
let versionId: string;

/** A member's context with a real, live session row, as the console's action would have. */
async function withSession(role: "owner" | "admin" | "reviewer" | "developer" | "analyst"): Promise<OrgContext> {
  const base = await s.as(role);
  const sessionId = newId("ses");
  await s.db.insert(sessions).values({ id: sessionId, userId: base.actor.userId, expiresAt: new Date(Date.now() + 86_400_000) });
  return loadOrgContext(s.db, { id: base.org.id }, { ...base.actor, sessionId } as OrgContext["actor"], null);
}

const tokenOf = (base: string) => base.split("/")[2]!;

beforeAll(async () => {
  const admin = await s.as("admin");
  await createMiniProgram(admin, { appId: APP, name: "Preview Lab", category: "other", description: "" });
  const pkg = buildMiniProgramPackage({
    appId: APP,
    version: "1.0.0",
    pages: ["pages/index/index", "pages/detail/detail"],
    permissions: ["location"],
    domains: ["https://api.demo.test"],
    code: { "pages/index/index": "Page({ data: { n: 1 }, onLoad() { mp.getLocation({}); } });\n" },
    extraFiles: { "images/logo.png": PNG, "pages/detail/notes.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' },
  });
  versionId = (await uploadVersion(admin, APP, pkg)).version.id;
});

describe("opening a preview", () => {
  it("gives anyone who may read the version a base URL under /preview, the pages and the manifest's grants", async () => {
    for (const role of ["owner", "admin", "reviewer", "analyst"] as const) {
      const p = await startPreview(await withSession(role), versionId);
      expect(p.base).toMatch(/^\/preview\/v1(\.[A-Za-z0-9_-]+){3}\/$/);
      expect(p).toMatchObject({ pages: ["pages/index/index", "pages/detail/detail"], permissions: ["location"], domains: ["https://api.demo.test"] });
      expect(new Date(p.expiresAt).getTime() - Date.now()).toBeGreaterThan(PREVIEW_TTL_MS - 60_000);
    }
  });

  it("is not found for a developer who does not collaborate on it, or for another organization", async () => {
    await expect(startPreview(await withSession("developer"), versionId)).rejects.toMatchObject({ code: "not_found" });
    await expect(startPreview(await s.otherAdmin(), versionId)).rejects.toBeInstanceOf(AppError);
    await expect(startPreview(await s.otherAdmin(), versionId)).rejects.toMatchObject({ code: "not_found" });
  });

  it("is open to the developer once they collaborate", async () => {
    const dev = await withSession("developer");
    await addCollaborator(await s.as("admin"), APP, { email: "developer@demo.test" });
    expect((await startPreview(dev, versionId)).pages).toHaveLength(2);
  });
});

describe("what the frame is served", () => {
  let token: string;
  beforeAll(async () => {
    token = tokenOf((await startPreview(await withSession("reviewer"), versionId)).base);
  });

  it("a page: the shim first, then the page's stylesheet, template and script, never an inline script, under the sandbox CSP", async () => {
    const r = await servePreview(token, ["pages", "index", "index"]);
    expect(r.status).toBe(200);
    expect(r.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(r.headers["Content-Security-Policy"]).toBe(PREVIEW_CSP);
    for (const d of ["sandbox allow-scripts", "default-src 'none'", "script-src 'self'", "connect-src 'none'", "form-action 'none'", "frame-ancestors 'self'"]) expect(PREVIEW_CSP).toContain(d);
    expect(PREVIEW_CSP).not.toContain("allow-same-origin");
    expect(PREVIEW_CSP).not.toContain("unsafe-inline");
    const html = String(r.body);
    expect(html).toContain(`<base href="/preview/${token}/">`);
    expect(html.indexOf("__atrium/shim.js")).toBeLessThan(html.indexOf("pages/index/index.js"));
    expect(html).toContain('<link rel="stylesheet" href="pages/index/index.css">');
    expect(html).toContain("<text>index</text>");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(2);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="/);
      expect(body).toBe("");
    }
  });

  it("the shim, and the package's files with their types; a template or SVG only as text", async () => {
    const shim = await servePreview(token, ["__atrium", "shim.js"]);
    expect(shim.headers["Content-Type"]).toBe("text/javascript; charset=utf-8");
    expect(String(shim.body)).toContain("window.mp");
    const js = await servePreview(token, ["pages", "index", "index.js"]);
    expect(String(js.body)).toContain("mp.getLocation");
    const png = await servePreview(token, ["images", "logo.png"]);
    expect(png.headers["Content-Type"]).toBe("image/png");
    expect(Buffer.compare(png.body as Buffer, PNG)).toBe(0);
    for (const path of [["pages", "detail", "notes.svg"], ["pages", "index", "index.html"]]) {
      const r = await servePreview(token, path);
      expect(r.status).toBe(200);
      expect(r.headers["Content-Type"]).toBe("text/plain; charset=utf-8");
      expect(r.headers["X-Content-Type-Options"]).toBe("nosniff");
    }
  });

  it("nothing outside the package: unknown, traversing or absurd paths are 404", async () => {
    for (const path of [["nope.js"], ["pages", "..", "app.json"], ["..", "..", "etc", "passwd"], ["pages", "", "index"], ["a".repeat(600)], ["pages\\index\\index.js"]]) {
      expect((await servePreview(token, path)).status, path.join("/")).toBe(404);
    }
  });

  it("through the route handler, with the same headers", async () => {
    const res = await GET(new Request(`http://console.test/preview/${token}/pages/detail/detail`), { params: Promise.resolve({ token, path: ["pages", "detail", "detail"] }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(PREVIEW_CSP);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.text()).toContain("<text>detail</text>");
  });
});

describe("the capability ends", () => {
  it("when forged, or once expired", async () => {
    const { base } = await startPreview(await withSession("reviewer"), versionId);
    const token = tokenOf(base);
    const forged = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    expect((await servePreview(forged, ["pages", "index", "index"])).status).toBe(404);
    expect((await servePreview(token, ["pages", "index", "index"], { now: new Date(Date.now() + PREVIEW_TTL_MS + 1000) })).status).toBe(404);
    // Even the shim needs a valid token: an expired URL serves nothing at all.
    expect((await servePreview(forged, ["__atrium", "shim.js"])).status).toBe(404);
  });

  it("when the session that opened it is signed out", async () => {
    const ctx = await withSession("reviewer");
    const token = tokenOf((await startPreview(ctx, versionId)).base);
    expect((await servePreview(token, ["pages", "index", "index"])).status).toBe(200);
    const sid = ctx.actor.type === "user" ? ctx.actor.sessionId : "";
    await s.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, sid));
    const r = await servePreview(token, ["pages", "index", "index"]);
    expect(r.status).toBe(404);
    expect(String(r.body)).toContain("Open it again");
  });

  it("when the person is no longer a member", async () => {
    const ctx = await withSession("analyst");
    const token = tokenOf((await startPreview(ctx, versionId)).base);
    const [m] = await s.db.select().from(memberships).where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, ctx.actor.userId)));
    await s.db.delete(memberships).where(and(eq(memberships.orgId, ctx.org.id), eq(memberships.userId, ctx.actor.userId)));
    try {
      expect((await servePreview(token, ["pages", "index", "index"])).status).toBe(404);
    } finally {
      await s.db.insert(memberships).values(m!);
    }
    expect((await servePreview(token, ["pages", "index", "index"])).status).toBe(200);
  });
});

