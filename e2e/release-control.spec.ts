// Release control on the assignment page (issue 14, CONTRACT §8) as an admin edits it and others read it: targeting
// rules (a bad range refused beside its field, nothing changed), a trial version for testers with the tester's QR
// code once the host app has a URL scheme, a guardrail and a ramp-up schedule, a stale page's 409 and its reload, a
// halt resumed by a person; a reviewer and an analyst see the same settings read-only. Its own mini-program and host
// (made over the API), so nothing the other specs read is touched.
import { expect, test, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { AtriumSdkClient } from "../sdk-client";
import { authFile } from "./helpers";

test.use({ storageState: authFile("admin") });

const stamp = Date.now().toString(36);
const ADMIN = { authorization: "Bearer t_admin_demo" };
const REVIEWER = { authorization: "Bearer t_reviewer_demo" };

async function ok<T = Record<string, unknown>>(res: APIResponse, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status(), text).toBe(status);
  return JSON.parse(text) as T;
}

type Assignment = {
  id: string;
  revision: number;
  rolloutPercent: number;
  paused: boolean;
  haltedBy: string | null;
  rules: unknown;
  trialVersionId: string | null;
  testers: string[];
  schedule: { steps: number[]; everyMinutes: number; promoteAtEnd: boolean; nextStepAt: string | null } | null;
  guardrail: unknown;
};
type Host = { id: string; sdkKey: string; sdkSecret: string; urlScheme: string | null };

/**
 * A mini-program with 1.0.0 (stable) and 1.1.0 (candidate at 10 %) approved, 1.2.0-beta.1 a draft that fits the host,
 * 1.3.0-beta.1 a draft asking for the camera, which the host's policy does not allow; a host without a URL scheme.
 */
async function world(request: APIRequestContext, name: string) {
  const appId = `com.e2e.rc${name}${stamp}`;
  const title = `RC ${name} ${stamp}`;
  await ok(await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: title } }), 201);
  const ids: Record<string, string> = {};
  for (const [version, permissions, approve] of [
    ["1.0.0", [], true],
    ["1.1.0", [], true],
    ["1.2.0-beta.1", [], false],
    ["1.3.0-beta.1", ["camera"], false],
  ] as const) {
    const zip = buildMiniProgramPackage({ appId, name: title, version, permissions: [...permissions], domains: [], extraFiles: { "build.txt": version } });
    const r = await ok<{ version: { id: string } }>(
      await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...ADMIN, "content-type": "application/zip" }, data: Buffer.from(zip) }),
      201,
    );
    ids[version] = r.version.id;
    if (approve) {
      await ok(await request.post(`/api/v1/versions/${r.version.id}/submit`, { headers: ADMIN }));
      await ok(await request.post(`/api/v1/versions/${r.version.id}/approve`, { headers: REVIEWER, data: {} }));
    }
  }
  const host = await ok<Host>(
    await request.post("/api/v1/hosts", {
      headers: ADMIN,
      data: { name: `RC host ${name} ${stamp}`, platforms: [{ platform: "ios", identifier: `com.e2e.rc${name}${stamp}` }], policy: { allowedPermissions: ["location"] } },
    }),
    201,
  );
  const assigned = await ok<Assignment>(await request.post(`/api/v1/hosts/${host.id}/assignments`, { headers: ADMIN, data: { appId, versionId: ids["1.0.0"] } }), 201);
  await ok(await request.patch(`/api/v1/assignments/${assigned.id}`, { headers: ADMIN, data: { candidateVersionId: ids["1.1.0"], rolloutPercent: 10 } }));
  return { appId, title, ids, host, assignmentId: assigned.id, url: `/o/demo/hosts/${host.id}/assignments/${assigned.id}` };
}

const read = async (request: APIRequestContext, id: string) => ok<Assignment>(await request.get(`/api/v1/assignments/${id}`, { headers: ADMIN }));

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
}

test("an admin sets targeting rules, a trial version and its testers, and gives testers the QR code", async ({ page, request }) => {
  test.setTimeout(90_000);
  const w = await world(request, "trial");
  await open(page, w.url);
  const before = await read(request, w.assignmentId);

  // --- Targeting rules: a bad range is refused beside its field, and nothing changes ---
  const rules = page.getByTestId("rules-editor");
  await rules.getByLabel("iOS", { exact: true }).check();
  const range = rules.getByLabel("SDK version range");
  await range.fill(">=banana");
  await rules.getByRole("button", { name: "Save", exact: true }).click();
  await expect(rules.getByRole("alert")).toHaveText("Not a semantic version range (try >=2.1.0 or ^3.0.0).");
  await expect(range).toHaveAttribute("aria-invalid", "true");
  let api = await read(request, w.assignmentId);
  expect(api.rules).toBeNull();
  expect(api.revision).toBe(before.revision);

  await range.fill(">=3.1.0");
  const users = rules.getByLabel("Always these users", { exact: true });
  await users.fill("vip-1\nvip-2\n\nvip-1");
  await expect(rules.getByTestId("id-count")).toHaveText("2 of at most 1,000");
  await rules.getByRole("button", { name: "Save", exact: true }).click();
  await expect(rules.getByRole("status")).toHaveText("Saved.");
  await expect(range).not.toHaveAttribute("aria-invalid", "true");
  api = await read(request, w.assignmentId);
  expect(api.rules).toEqual({ platforms: ["ios"], sdkVersion: ">=3.1.0", users: ["vip-1", "vip-2"] });

  // --- The trial version: only versions that fit the host's policy can be chosen ---
  const qrCard = page.getByTestId("trial-qr-card");
  await expect(qrCard).toContainText("Set a trial version and testers");
  const trial = page.getByTestId("trial-editor");
  const picker = trial.getByLabel("Trial version", { exact: true });
  await expect(picker.locator("option", { hasText: "1.3.0-beta.1" })).toBeDisabled();
  await expect(picker.locator("option", { hasText: "1.3.0-beta.1" })).toContainText("outside the host's policy");
  await picker.selectOption({ label: "1.2.0-beta.1 (draft)" });
  await expect(trial).toContainText("No testers yet");
  await trial.getByLabel("Testers", { exact: true }).fill("tester-ada\ntester-bob");
  await expect(trial.getByTestId("id-count")).toHaveText("2 of at most 500");
  await trial.getByRole("button", { name: "Save", exact: true }).click();
  await expect(trial.getByRole("status")).toHaveText("Saved.");
  api = await read(request, w.assignmentId);
  expect(api).toMatchObject({ trialVersionId: w.ids["1.2.0-beta.1"], testers: ["tester-ada", "tester-bob"] });

  // --- No URL scheme yet: the QR area says so and leads to the host's settings ---
  await expect(page.getByTestId("trial-no-scheme")).toContainText("no URL scheme");
  await expect(page.getByTestId("trial-qr")).toHaveCount(0);
  await page.getByTestId("trial-no-scheme").getByRole("link", { name: "Host app settings" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/demo/hosts/${w.host.id}#edit-host-url-scheme$`));
  const scheme = page.getByLabel("URL scheme (optional)");
  await scheme.fill("https");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Use the host app's own scheme")).toBeVisible();
  await scheme.fill("RcApp");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(scheme).toHaveValue("rcapp");

  // --- The tester's link and QR code ---
  await open(page, w.url);
  const expected = `rcapp://mini-program/${w.appId}?trial=${w.ids["1.2.0-beta.1"]}`;
  await expect(page.getByTestId("trial-link")).toHaveText(expected);
  const qr = page.getByTestId("trial-qr");
  await expect(qr).toHaveAttribute("aria-label", `QR code of ${expected}`);
  const png = PNG.sync.read(await qr.screenshot());
  expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, "the QR code decodes to the link").toBe(expected);
  await expect(qrCard.getByRole("button", { name: "Copy" })).toBeVisible();
});

test("a guardrail and a ramp-up schedule are set; bad values are refused beside their fields", async ({ page, request }) => {
  const w = await world(request, "ramp");
  await open(page, w.url);

  const guard = page.getByTestId("guardrail-editor");
  await guard.getByLabel("Max error rate (%)").fill("150");
  await guard.getByRole("button", { name: "Save", exact: true }).click();
  await expect(guard.getByText("A percentage from 0 to 100.")).toBeVisible();
  await expect(guard.getByLabel("Max error rate (%)")).toHaveAttribute("aria-invalid", "true");
  expect((await read(request, w.assignmentId)).guardrail).toBeNull();

  await guard.getByLabel("Max error rate (%)").fill("2.5");
  await guard.getByLabel("Min launches").fill("250");
  await guard.getByLabel("Window (minutes)").fill("30");
  await guard.getByRole("button", { name: "Save", exact: true }).click();
  await expect(guard.getByRole("status")).toHaveText("Saved.");
  expect((await read(request, w.assignmentId)).guardrail).toEqual({ maxErrorRate: 0.025, minLaunches: 250, windowMinutes: 30 });
  // The comparison now looks at the guardrail's window and names its ceiling.
  const compare = page.getByTestId("rollout-compare");
  await expect(compare).toContainText("the last 30 minutes");
  await expect(page.getByTestId("compare-ceiling")).toHaveText("Guardrail: halts above 2.5% on at least 250 launches.");

  const schedule = page.getByTestId("schedule-editor");
  const steps = schedule.getByLabel("Steps (%)");
  await steps.fill("1, 25, 5");
  await schedule.getByRole("button", { name: "Save", exact: true }).click();
  await expect(schedule.getByText("each larger than the one before")).toBeVisible();
  await expect(steps).toHaveAttribute("aria-invalid", "true");
  expect((await read(request, w.assignmentId)).schedule).toBeNull();

  await steps.fill("5, 25, 100");
  await schedule.getByLabel("Every (minutes)").fill("45");
  await schedule.getByLabel("Promote the candidate after the last step").uncheck();
  await schedule.getByRole("button", { name: "Save", exact: true }).click();
  await expect(schedule.getByRole("status")).toHaveText("Saved.");
  const api = await read(request, w.assignmentId);
  expect(api.schedule).toMatchObject({ steps: [5, 25, 100], everyMinutes: 45, promoteAtEnd: false });
  // Already at 10 %, past the first step: the rollout stays; the next step is 25 %, 45 minutes on.
  expect(api.rolloutPercent).toBe(10);
  const due = new Date(api.schedule!.nextStepAt!).getTime();
  expect(Math.abs(due - (Date.now() + 45 * 60_000))).toBeLessThan(2 * 60_000);
  await expect(page.getByTestId("schedule-state")).toContainText("On step 1 of 3: 10% of users.");
  const next = page.getByTestId("next-step");
  await expect(next).toContainText("Next step, to 25%:");
  await expect(next.locator("time")).toHaveAttribute("datetime", api.schedule!.nextStepAt!);
});

test("a change made meanwhile is refused with 409; the page reloads and the edit saves", async ({ page, request }) => {
  const w = await world(request, "stale");
  await open(page, w.url);
  // Someone else raises the rollout while this page is open.
  await ok(await request.patch(`/api/v1/assignments/${w.assignmentId}`, { headers: ADMIN, data: { rolloutPercent: 20 } }));

  const guard = page.getByTestId("guardrail-editor");
  await guard.getByLabel("Min launches").fill("500");
  await guard.getByRole("button", { name: "Save", exact: true }).click();
  const stale = guard.getByTestId("stale");
  await expect(stale).toContainText("Someone changed this assignment meanwhile");
  expect((await read(request, w.assignmentId)).guardrail).toBeNull();

  await stale.getByRole("button", { name: "Reload" }).click();
  await expect(page.getByTestId("rollout-current")).toHaveText("Now: 20% of users");
  // The edit is still in the field: saving again works on the new revision.
  await expect(guard.getByLabel("Min launches")).toHaveValue("500");
  await guard.getByRole("button", { name: "Save", exact: true }).click();
  await expect(guard.getByRole("status")).toHaveText("Saved.");
  expect((await read(request, w.assignmentId)).guardrail).toEqual({ maxErrorRate: 0.05, minLaunches: 500, windowMinutes: 60 });
});

test("a halted rollout shows why at the top of the page and on the overview; a person resumes it", async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  const w = await world(request, "halt");
  await ok(
    await request.patch(`/api/v1/assignments/${w.assignmentId}`, { headers: ADMIN, data: { rolloutPercent: 50, guardrail: { maxErrorRate: 0.1, minLaunches: 20, windowMinutes: 30 } } }),
  );
  // 20 devices launch the candidate; 5 crash (25 %).
  const device = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey: w.host.sdkKey, sdkSecret: w.host.sdkSecret });
  for (let i = 0; i < 20; i++) device.track({ type: "launch", appId: w.appId, version: "1.1.0", userId: `u${i}`, platform: "ios" });
  for (let i = 0; i < 5; i++) device.track({ type: "error", appId: w.appId, version: "1.1.0", userId: `u${i}`, platform: "ios", message: "TypeError" });
  expect((await device.flush()).accepted).toBe(25);
  await expect.poll(async () => (await read(request, w.assignmentId)).haltedBy, { timeout: 60_000 }).toBe("guardrail");

  await open(page, w.url);
  const banner = page.getByTestId("halt-banner");
  await expect(banner.getByRole("heading", { name: "Halted by the guardrail" })).toBeVisible();
  await expect(page.getByTestId("halt-reason")).toHaveText(
    "Error rate 25% (5 errors in 20 launches of 1.1.0 over the last 30 min) exceeded the guardrail's 10% (minimum 20 launches)",
  );
  await expect(page.getByTestId("halted-at").locator("time")).toBeVisible();
  await expect(page.getByTestId("candidate-error-rate")).toHaveAttribute("data-over", "true");

  await page.goto("/o/demo");
  const notice = page.getByTestId("halted-rollouts").getByTestId("halted-rollout").filter({ hasText: w.title });
  await expect(notice).toContainText(`${w.title} 1.1.0 on RC host halt ${stamp}`);
  await expect(notice).toContainText("Error rate 25%");
  await notice.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`${w.url}$`));

  await banner.getByRole("button", { name: "Resume the rollout" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Resume the rollout" }).click();
  await expect(banner).toHaveCount(0);
  expect(await read(request, w.assignmentId)).toMatchObject({ paused: false, haltedBy: null });
  await page.goto("/o/demo");
  await expect(page.getByTestId("halted-rollout").filter({ hasText: w.title })).toHaveCount(0);
});

for (const role of ["reviewer", "analyst"] as const) {
  test(`a${role === "analyst" ? "n" : ""} ${role} reads release control and cannot change it`, async ({ browser, request }) => {
    const w = await world(request, role);
    await ok(
      await request.patch(`/api/v1/assignments/${w.assignmentId}`, {
        headers: ADMIN,
        data: {
          rules: { platforms: ["android", "ios"], sdkVersion: "^3.0.0", users: ["vip-1"] },
          trialVersionId: w.ids["1.2.0-beta.1"],
          testers: ["tester-ada"],
          schedule: { steps: [10, 50, 100], everyMinutes: 60, promoteAtEnd: true },
          guardrail: { maxErrorRate: 0.05, minLaunches: 100, windowMinutes: 60 },
        },
      }),
    );
    const ctx = await browser.newContext({ storageState: authFile(role) });
    const page = await ctx.newPage();
    await open(page, w.url);
    const summary = page.getByTestId("release-control-summary");
    await expect(summary.locator("[data-row=rules]")).toContainText("iOS, Android · SDK ^3.0.0 · 1 listed user");
    await expect(summary.locator("[data-row=trial]")).toContainText("1.2.0-beta.1 · 1 tester");
    await expect(summary.locator("[data-row=schedule]")).toContainText("10 → 50 → 100 % every 60 min · promotes at the end");
    await expect(summary.getByTestId("next-step").locator("time")).toBeVisible();
    await expect(summary.locator("[data-row=guardrail]")).toContainText("Over 5 % errors on ≥ 100 launches in 60 min");
    await expect(page.getByText("Only owners and admins change release control.")).toBeVisible();
    for (const part of ["rules-editor", "trial-editor", "schedule-editor", "guardrail-editor"]) await expect(page.getByTestId(part)).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
    await ctx.close();
  });
}
