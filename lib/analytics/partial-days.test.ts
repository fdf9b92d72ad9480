// CONTRACT §7 (issue 13, item 4): a day that has not ended (UTC) is `partial`, and a retention figure whose day
// d+1 (d+7) has not ended is null — unknown, never 0%. A fresh mini-program gets a cohort the day before
// yesterday and one yesterday, both coming back today, with the clock at noon today.
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededDb } from "@/test/seeded";
import { addDays, DAY_MS, dayStartMs, utcDay } from "./dates";
import { ingestEvents } from "./ingest";
import { computeOverviewFromRaw } from "./raw";
import { getOverview } from "./service";
import { assign, body, hostsOf } from "./testing";

const s = useSeededDb();
const TODAY = utcDay(Date.now());
const NOW = dayStartMs(TODAY) + DAY_MS / 2;
const APP = "com.demo.weather";
let hostId = "";

const launch = (id: string, user: string, day: string, hour = 9) => ({
  id,
  type: "launch",
  appId: APP,
  version: "1.0.0",
  userId: user,
  ts: dayStartMs(day) + hour * 3_600_000,
  platform: "ios",
});

beforeAll(async () => {
  const orgId = s.seed.orgs.demo!;
  hostId = (await hostsOf(s.db, orgId))[0]!.id;
  await assign(s.db, orgId, hostId, [APP]);
  const d2 = addDays(TODAY, -2);
  const d1 = addDays(TODAY, -1);
  // Prefixed user ids: nobody in the seed launched Weather as these users.
  const res = await ingestEvents(
    s.db,
    { orgId, id: hostId },
    body([
      launch("pd-1", "pd-a", d2),
      launch("pd-2", "pd-b", d2),
      launch("pd-3", "pd-a", d1), // pd-a came back on d2 + 1: D1 of d2 is 1/2
      launch("pd-4", "pd-c", d1),
      launch("pd-5", "pd-c", TODAY, 1), // pd-c is back today, but today has not ended
    ]),
    NOW,
  );
  expect(res.accepted).toBe(5);
});

describe("days that have not ended", () => {
  it("are partial, from today on; ended days are not", async () => {
    const admin = await s.as("admin");
    const o = await getOverview(admin, { from: addDays(TODAY, -3), to: addDays(TODAY, 1), appId: APP, hostId }, { now: NOW });
    expect(o.days.map((d) => [d.day, d.partial])).toEqual([
      [addDays(TODAY, -3), false],
      [addDays(TODAY, -2), false],
      [addDays(TODAY, -1), false],
      [TODAY, true],
      [addDays(TODAY, 1), true],
    ]);
  });

  it("leave retention null until day d+1 (d+7) has ended, never 0%", async () => {
    const admin = await s.as("admin");
    const q = { from: addDays(TODAY, -3), to: TODAY, appId: APP, hostId };
    const o = await getOverview(admin, q, { now: NOW });
    const day = (d: string) => o.days.find((x) => x.day === d)!;
    // The day before yesterday: its next day (yesterday) has ended.
    expect(day(addDays(TODAY, -2))).toMatchObject({ newUsers: 2, retentionD1: 0.5, retentionD7: null });
    // Yesterday: its next day is today, still under way. pd-c is back already, but the figure is not final.
    expect(day(addDays(TODAY, -1))).toMatchObject({ newUsers: 1, retentionD1: null, retentionD7: null });
    // Once today has ended, the same cohort has a figure.
    const tomorrow = await getOverview(admin, q, { now: NOW + DAY_MS });
    expect(tomorrow.days.find((x) => x.day === addDays(TODAY, -1))).toMatchObject({ retentionD1: 1, partial: false });
    // The direct count over raw events agrees on both.
    expect(o).toEqual(await computeOverviewFromRaw(s.db, { orgId: admin.org.id, appIds: null }, q, { now: NOW }));
  });

  it("close D7 only after day d+7 has ended", async () => {
    const admin = await s.as("admin");
    const q = { from: addDays(TODAY, -2), to: addDays(TODAY, -2), appId: APP, hostId };
    const d7 = (now: number) => getOverview(admin, q, { now }).then((o) => o.days[0]!.retentionD7);
    // d − 2 + 7 = today + 5: still unknown on that day, known (0 of 2) the day after.
    expect(await d7(NOW + 5 * DAY_MS)).toBeNull();
    expect(await d7(NOW + 6 * DAY_MS)).toBe(0);
  });
});
