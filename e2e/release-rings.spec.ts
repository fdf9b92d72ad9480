// Issue 14 as a release manager walks it: a trial version for a tester, scanned from the QR code on the assignment
// page and fetched as that tester's device would; then a release of a new version through two rings of host
// apps, started from the console, one ring promoted after the other, until it completes. Its own mini-program and
// hosts (made over the API), so nothing the other specs read is touched.
import { expect, test, type APIRequestContext } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { AtriumSdkClient } from "../sdk-client";
import { authFile } from "./helpers";

test.use({ storageState: authFile("admin") });

const stamp = Date.now().toString(36);
const APP = `com.e2e.rings${stamp}`;
const ADMIN = { authorization: "Bearer t_admin_demo" };
const REVIEWER = { authorization: "Bearer t_reviewer_demo" };

async function ok<T = Record<string, unknown>>(res: Awaited<ReturnType<APIRequestContext["post"]>>, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status(), text).toBe(status);
  return JSON.parse(text) as T;
}

type Host = { id: string; sdkKey: string; sdkSecret: string };

async function world(request: APIRequestContext) {
  await ok(await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId: APP, name: `Rings ${stamp}` } }), 201);
  const upload = async (version: string) => {
    const zip = buildMiniProgramPackage({ appId: APP, name: `Rings ${stamp}`, version, permissions: [], domains: [], extraFiles: { "build.txt": version } });
    const r = await ok<{ version: { id: string } }>(
      await request.post(`/api/v1/mini-programs/${APP}/versions`, { headers: { ...ADMIN, "content-type": "application/zip" }, data: Buffer.from(zip) }),
      201,
    );
    return r.version.id;
  };
  const v1 = await upload("1.0.0");
  const v2 = await upload("2.0.0");
  const v3 = await upload("3.0.0-beta.1");
  for (const v of [v1, v2]) {
    await ok(await request.post(`/api/v1/versions/${v}/submit`, { headers: ADMIN }));
    await ok(await request.post(`/api/v1/versions/${v}/approve`, { headers: REVIEWER, data: {} }));
  }
  const host = async (name: string, urlScheme?: string): Promise<Host> =>
    ok<Host>(
      await request.post("/api/v1/hosts", {
        headers: ADMIN,
        data: { name, platforms: [{ platform: "android", identifier: `com.e2e.${name.toLowerCase().replace(/\W+/g, "")}${stamp}` }], ...(urlScheme ? { urlScheme } : {}) },
      }),
      201,
    );
  const internal = await host(`Internal ${stamp}`, "rings-e2e");
  const everyone = await host(`Everyone ${stamp}`);
  const assign = async (h: Host) => ok<{ id: string }>(await request.post(`/api/v1/hosts/${h.id}/assignments`, { headers: ADMIN, data: { appId: APP, versionId: v1 } }), 201);
  return { v1, v2, v3, internal, everyone, onInternal: await assign(internal), onEveryone: await assign(everyone) };
}

test("a tester scans the trial's QR code; a release rolls through two rings to everyone", async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const w = await world(request);

  // --- The trial version: a draft, for one tester, on the internal host ---
  await ok(await request.patch(`/api/v1/assignments/${w.onInternal.id}`, { headers: ADMIN, data: { trialVersionId: w.v3, testers: ["tester-ada"] } }));
  await page.goto(`/o/demo/hosts/${w.internal.id}/assignments/${w.onInternal.id}`);
  const qr = page.getByTestId("trial-qr");
  await expect(qr).toBeVisible();
  const png = PNG.sync.read(await qr.screenshot());
  const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(scanned, "the QR code decodes").not.toBeNull();
  const link = new URL(scanned!.data);
  expect(link.protocol).toBe("rings-e2e:");
  expect(`${link.host}${link.pathname}`).toBe(`mini-program/${APP}`);
  expect(link.searchParams.get("trial")).toBe(w.v3);
  await expect(page.getByTestId("trial-link")).toContainText(scanned!.data);

  // The tester's device opens the link: its manifest has the trial, marked so; anyone else's does not.
  const device = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey: w.internal.sdkKey, sdkSecret: w.internal.sdkSecret });
  const entryFor = async (user: string) => {
    const res = await device.signedFetch("GET", `/api/sdk/v1/manifest?user=${user}&platform=android&sdkVersion=3.0.0`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { miniPrograms: { appId: string; version: string; trial?: boolean; packageUrl: string }[] }).miniPrograms.find((m) => m.appId === APP);
  };
  const trial = await entryFor("tester-ada");
  expect(trial).toMatchObject({ version: "3.0.0-beta.1", trial: true });
  expect((await device.signedFetch("GET", trial!.packageUrl)).status).toBe(200);
  expect(await entryFor("someone-else")).toMatchObject({ version: "1.0.0" });
  expect((await entryFor("someone-else"))?.trial).toBeUndefined();

  // --- A release of 2.0.0 through two rings, started from the console ---
  await page.goto("/o/demo/releases");
  await page.getByRole("link", { name: "New release" }).click();
  await page.getByLabel("Mini-program").selectOption(APP);
  await page.getByLabel("Version").selectOption({ label: "2.0.0" });
  await page.getByLabel("Ring 1 name").fill("internal");
  await page.getByRole("group", { name: "Host apps in ring 1" }).getByLabel(`Internal ${stamp}`).check();
  await page.getByLabel("Ring 2 name").fill("everyone");
  await page.getByRole("group", { name: "Host apps in ring 2" }).getByLabel(`Everyone ${stamp}`).check();
  await page.getByRole("button", { name: "Start release" }).click();

  await expect(page).toHaveURL(/\/o\/demo\/releases\/rel_/);
  await expect(page.getByTestId("release-status")).toHaveAttribute("data-status", "running");
  const rings = page.getByTestId("release-ring");
  await expect(rings.nth(0)).toHaveAttribute("data-state", "rolling");
  await expect(rings.nth(1)).toHaveAttribute("data-state", "pending");
  await expect(rings.nth(0).getByTestId("release-host")).toHaveAttribute("data-state", "rolling");

  // The first ring is promoted by a person: the second starts right away.
  await page.getByRole("button", { name: "Promote this ring" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Promote this ring" }).click();
  await expect(rings.nth(0)).toHaveAttribute("data-state", "completed");
  await expect(rings.nth(1)).toHaveAttribute("data-state", "rolling");
  await expect(rings.nth(0).getByTestId("release-host")).toHaveAttribute("data-state", "done");

  await page.getByRole("button", { name: "Promote this ring" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Promote this ring" }).click();
  await expect(page.getByTestId("release-status")).toHaveAttribute("data-status", "completed");
  await expect(rings.nth(1)).toHaveAttribute("data-state", "completed");

  // Every device on both hosts now runs 2.0.0; the API says the same.
  const onEveryone = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey: w.everyone.sdkKey, sdkSecret: w.everyone.sdkSecret });
  const m = await onEveryone.getManifest({ user: "anyone", platform: "android", sdkVersion: "3.0.0" });
  expect(m.manifest.miniPrograms.find((e) => e.appId === APP)?.version).toBe("2.0.0");
  const list = await ok<{ items: { id: string; status: string }[] }>(await request.get(`/api/v1/releases?appId=${APP}`, { headers: ADMIN }));
  expect(list.items[0]?.status).toBe("completed");
});

test("a guardrail halts a bad candidate on real signed events, and the console says why", async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  const appId = `com.e2e.guard${stamp}`;
  await ok(await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: `Guarded ${stamp}` } }), 201);
  const ids: string[] = [];
  for (const version of ["1.0.0", "1.1.0"]) {
    const zip = buildMiniProgramPackage({ appId, name: `Guarded ${stamp}`, version, permissions: [], domains: [], extraFiles: { "build.txt": version } });
    const r = await ok<{ version: { id: string } }>(await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...ADMIN, "content-type": "application/zip" }, data: Buffer.from(zip) }), 201);
    await ok(await request.post(`/api/v1/versions/${r.version.id}/submit`, { headers: ADMIN }));
    await ok(await request.post(`/api/v1/versions/${r.version.id}/approve`, { headers: REVIEWER, data: {} }));
    ids.push(r.version.id);
  }
  const host = await ok<Host>(await request.post("/api/v1/hosts", { headers: ADMIN, data: { name: `Guarded host ${stamp}`, platforms: [{ platform: "ios", identifier: `com.e2e.guard${stamp}` }] } }), 201);
  const a = await ok<{ id: string }>(await request.post(`/api/v1/hosts/${host.id}/assignments`, { headers: ADMIN, data: { appId, versionId: ids[0] } }), 201);
  await ok(
    await request.patch(`/api/v1/assignments/${a.id}`, {
      headers: ADMIN,
      data: { candidateVersionId: ids[1], rolloutPercent: 50, guardrail: { maxErrorRate: 0.05, minLaunches: 20, windowMinutes: 30 } },
    }),
  );

  // 25 devices launch the candidate; 5 of them crash (20 %).
  const device = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret });
  for (let i = 0; i < 25; i++) device.track({ type: "launch", appId, version: "1.1.0", userId: `u${i}`, platform: "ios" });
  for (let i = 0; i < 5; i++) device.track({ type: "error", appId, version: "1.1.0", userId: `u${i}`, platform: "ios", message: "TypeError: x is undefined" });
  const sent = await device.flush();
  expect(sent.accepted).toBe(30);

  // The runner halts it within 60 s of the 202 (it ticks every second in this server).
  await expect
    .poll(async () => (await ok<{ haltedBy: string | null }>(await request.get(`/api/v1/assignments/${a.id}`, { headers: ADMIN }))).haltedBy, { timeout: 60_000 })
    .toBe("guardrail");
  await page.goto(`/o/demo/hosts/${host.id}/assignments/${a.id}`);
  await expect(page.getByTestId("halt-banner")).toContainText("20%");
  await expect(page.getByTestId("halt-banner")).toContainText("5%");
  await page.goto("/o/demo");
  await expect(page.getByTestId("halted-rollouts")).toContainText(`Guarded ${stamp}`);
});

test("release control is edited on the assignment page: a bad range is refused beside its field, rules and a guardrail save; a reviewer reads them", async ({ page, request, browser }) => {
  const appId = `com.e2e.edit${stamp}`;
  await ok(await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: `Edited ${stamp}` } }), 201);
  const ids: string[] = [];
  for (const version of ["1.0.0", "1.1.0"]) {
    const zip = buildMiniProgramPackage({ appId, name: `Edited ${stamp}`, version, permissions: [], domains: [], extraFiles: { "build.txt": version } });
    const r = await ok<{ version: { id: string } }>(await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...ADMIN, "content-type": "application/zip" }, data: Buffer.from(zip) }), 201);
    await ok(await request.post(`/api/v1/versions/${r.version.id}/submit`, { headers: ADMIN }));
    await ok(await request.post(`/api/v1/versions/${r.version.id}/approve`, { headers: REVIEWER, data: {} }));
    ids.push(r.version.id);
  }
  const host = await ok<Host>(await request.post("/api/v1/hosts", { headers: ADMIN, data: { name: `Edited host ${stamp}`, platforms: [{ platform: "ios", identifier: `com.e2e.edit${stamp}` }] } }), 201);
  const a = await ok<{ id: string }>(await request.post(`/api/v1/hosts/${host.id}/assignments`, { headers: ADMIN, data: { appId, versionId: ids[0] } }), 201);
  await ok(await request.patch(`/api/v1/assignments/${a.id}`, { headers: ADMIN, data: { candidateVersionId: ids[1], rolloutPercent: 10 } }));
  const url = `/o/demo/hosts/${host.id}/assignments/${a.id}`;

  await page.goto(url);
  const rules = page.getByTestId("rules-editor");
  await rules.getByLabel("Android").check();
  await rules.getByLabel("SDK version range").fill(">=banana");
  await rules.getByRole("button", { name: "Save" }).click();
  await expect(rules.getByText("Not a semantic version range")).toBeVisible();
  let api = await ok<{ rules: unknown; revision: number }>(await request.get(`/api/v1/assignments/${a.id}`, { headers: ADMIN }));
  expect(api.rules).toBeNull();

  await rules.getByLabel("SDK version range").fill(">=3.1.0");
  await rules.getByLabel(/Always these users/).fill("vip-1\nvip-2");
  await rules.getByRole("button", { name: "Save" }).click();
  await expect(rules.getByRole("status")).toHaveText("Saved.");
  api = await ok(await request.get(`/api/v1/assignments/${a.id}`, { headers: ADMIN }));
  expect(api.rules).toEqual({ platforms: ["android"], sdkVersion: ">=3.1.0", users: ["vip-1", "vip-2"] });

  const guard = page.getByTestId("guardrail-editor");
  await guard.getByLabel("Max error rate (%)").fill("2.5");
  await guard.getByLabel("Min launches").fill("250");
  await guard.getByRole("button", { name: "Save" }).click();
  await expect(guard.getByRole("status")).toHaveText("Saved.");
  expect((await ok<{ guardrail: unknown }>(await request.get(`/api/v1/assignments/${a.id}`, { headers: ADMIN }))).guardrail).toEqual({ maxErrorRate: 0.025, minLaunches: 250, windowMinutes: 60 });
  await expect(page.getByTestId("assignment-timeline")).toContainText("Set a guardrail");

  // A reviewer reads the settings and cannot change them.
  const ctx = await browser.newContext({ storageState: authFile("reviewer") });
  const reviewer = await ctx.newPage();
  await reviewer.goto(url);
  const summary = reviewer.getByTestId("release-control-summary");
  await expect(summary).toContainText("Android");
  await expect(summary).toContainText("SDK >=3.1.0");
  await expect(summary).toContainText("Over 2.5 % errors on ≥ 250 launches in 60 min");
  await expect(reviewer.getByTestId("rules-editor")).toHaveCount(0);
  await ctx.close();
});
