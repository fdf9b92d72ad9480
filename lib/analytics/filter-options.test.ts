// Issue 13, item 6: the dashboards' filters list every host app and every mini-program the viewer may see, also
// before their first event (so a new host can be chosen, and its empty state can say how to connect the SDK).
import { describe, expect, it } from "vitest";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { useSeededDb } from "@/test/seeded";
import { getFilterOptions } from "./service";

withTempBlobStore();
const s = useSeededDb();

describe("the filter options", () => {
  it("list a host app and a mini-program without events, marked as having none", async () => {
    const admin = await s.as("admin");
    const host = await labHost(admin);
    const app = await labMiniProgram(admin, [{ version: "1.0.0" }], "Quiet");
    const o = await getFilterOptions(admin);
    expect(o.hosts).toContainEqual({ hostId: host.id, name: host.name, hasData: false });
    expect(o.miniPrograms).toContainEqual({ appId: app.appId, name: expect.stringContaining("Quiet"), hasData: false });
    // The seeded history is there too, marked as such.
    expect(o.hosts.find((h) => h.name === "Demo SuperApp")).toMatchObject({ hasData: true });
    expect(o.miniPrograms.find((m) => m.appId === "com.demo.coupons")).toMatchObject({ hasData: true });
    // Sorted by name, as a picker reads.
    expect(o.hosts.map((h) => h.name)).toEqual([...o.hosts.map((h) => h.name)].sort((a, b) => a.localeCompare(b)));
  });

  it("offer a developer only the mini-programs they collaborate on, and never another organization's", async () => {
    const dev = await s.as("developer");
    const o = await getFilterOptions(dev);
    const apps = o.miniPrograms.map((m) => m.appId);
    expect(apps).toContain("com.demo.coupons");
    expect(apps).not.toContain("com.demo.loyalty");
    const other = await getFilterOptions(await s.otherAdmin());
    expect(other.hosts.length).toBeGreaterThan(0);
    expect(other.hosts.every((h) => !o.hosts.some((x) => x.hostId === h.hostId))).toBe(true);
    expect(other.miniPrograms.every((m) => m.hasData === false)).toBe(true);
  });
});
