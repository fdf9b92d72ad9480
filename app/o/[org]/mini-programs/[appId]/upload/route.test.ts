// The browser upload endpoint authorizes itself: same origin, a signed-in member, the permission.
import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { count } from "drizzle-orm";
import { versions, type Role } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { AppError } from "@/lib/errors";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { POST } from "./route";

const request = vi.hoisted(() => ({ headers: new Headers(), role: null as string | null }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));
vi.mock("@/lib/auth/session", () => ({
  getActionContext: async (slug: string) => {
    if (!request.role) throw new AppError("unauthenticated", "Your session has ended; sign in again");
    const ctx = await seeded.as(request.role as Role);
    if (slug !== ctx.org.slug) throw new AppError("not_found", "Organization not found");
    return ctx;
  },
}));

withTempBlobStore();
const seeded = useSeededDb();

beforeEach(() => {
  request.headers = new Headers({ origin: "http://console.test", host: "console.test" });
  request.role = "developer";
});

let nextVersion = 10;
async function upload(appId = "com.demo.expenses", body: Buffer = buildMiniProgramPackage({ appId, version: `${nextVersion++}.0.0` }), org = "demo") {
  const req = new NextRequest(`http://console.test/o/${org}/mini-programs/${appId}/upload`, { method: "POST", body: new Uint8Array(body), headers: { "content-type": "application/zip" } });
  const res = await POST(req, { params: Promise.resolve({ org, appId }) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string }; version?: { status: string } } };
}

describe("POST /o/[org]/mini-programs/[appId]/upload", () => {
  it("uploads for a collaborating developer: 201 with the version", async () => {
    const res = await upload();
    expect(res.status).toBe(201);
    expect(res.body.version?.status).toBe("draft");
  });

  it("refuses a cross-site or Origin-less request", async () => {
    request.headers = new Headers({ origin: "https://evil.example", host: "console.test" });
    expect(await upload()).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
    request.headers = new Headers({ host: "console.test" });
    expect((await upload()).status).toBe(403);
  });

  it("refuses without a session, a role without the permission, a mini-program out of reach, another organization", async () => {
    request.role = null;
    expect((await upload()).status).toBe(401);
    request.role = "analyst";
    expect((await upload()).status).toBe(403);
    request.role = "developer";
    expect((await upload("com.demo.weather")).status).toBe(404);
    expect((await upload("com.demo.expenses", undefined, "other")).status).toBe(404);
  });

  it("answers 413 past 10 MiB and 422 with the report for a bad package", async () => {
    expect((await upload("com.demo.expenses", Buffer.alloc(10 * 1024 * 1024 + 1))).body.error?.code).toBe("payload_too_large");
    const bad = await upload("com.demo.expenses", Buffer.from("not a zip"));
    expect(bad).toMatchObject({ status: 422, body: { error: { code: "invalid_input", details: { inspection: { ok: false } } } } });
  });
});

describe("the console's multipart upload", () => {
  async function uploadForm(form: FormData, appId = "com.demo.expenses") {
    // A Request serialises the form as the browser does: multipart/form-data with its boundary.
    const encoded = new Request("http://console.test/", { method: "POST", body: form });
    const req = new NextRequest(`http://console.test/o/demo/mini-programs/${appId}/upload`, {
      method: "POST",
      body: new Uint8Array(await encoded.arrayBuffer()),
      headers: { "content-type": encoded.headers.get("content-type")! },
    });
    const res = await POST(req, { params: Promise.resolve({ org: "demo", appId }) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; details?: unknown }; version?: { status: string; notes: string } } };
  }
  const pkgFile = () => new Blob([new Uint8Array(buildMiniProgramPackage({ appId: "com.demo.expenses", version: `${nextVersion++}.0.0` }))], { type: "application/zip" });

  it("takes the package and 10 KiB of release notes in the body (CJK near the limit, which a URL could not carry)", async () => {
    const notes = "发布说明：修复了支付页面的问题。".repeat(200).slice(0, 3400); // 3 bytes a character: just under 10 KiB
    expect(new TextEncoder().encode(notes).length).toBeLessThanOrEqual(10 * 1024);
    const form = new FormData();
    form.append("package", pkgFile(), "expenses.zip");
    form.append("notes", notes);
    const res = await uploadForm(form);
    expect(res.status).toBe(201);
    expect(res.body.version?.notes).toBe(notes);
  });

  it("refuses notes over 10 KiB and a form without a package, with nothing uploaded", async () => {
    const countVersions = async () => (await seeded.db.select({ n: count() }).from(versions))[0]!.n;
    const before = await countVersions();
    const form = new FormData();
    form.append("package", pkgFile(), "expenses.zip");
    form.append("notes", "x".repeat(10 * 1024 + 1));
    expect(await uploadForm(form)).toMatchObject({ status: 422, body: { error: { code: "invalid_input" } } });
    const empty = new FormData();
    empty.append("notes", "hello");
    expect(await uploadForm(empty)).toMatchObject({ status: 422, body: { error: { code: "invalid_input" } } });
    expect(await countVersions()).toBe(before);
  });
});
