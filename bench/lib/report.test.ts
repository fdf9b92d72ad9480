import { describe, expect, it } from "vitest";
import { routeFiles } from "./first-load-js";
import { markdownTable, ratioOf, withBenchTable, type Report } from "./report";

describe("ratioOf", () => {
  it("is value ÷ baseline, and null without a usable baseline", () => {
    expect(ratioOf(30, 120)).toBe(0.25);
    expect(ratioOf(30, null)).toBeNull();
    expect(ratioOf(30, 0)).toBeNull();
  });
});

describe("markdownTable", () => {
  const report: Report = {
    generatedAt: "2026-08-01T10:00:00.000Z",
    scale: "small",
    seconds: 170.4,
    machine: { cpuModel: "Test CPU", cpus: 2, memoryGiB: 8, node: "v20.20.2", os: "Linux", postgres: "PostgreSQL 15.1" },
    dataset: {},
    details: {},
    results: [
      { figure: "ingest", metric: "events/s", database: "postgres", value: 51234.5, unit: "events/s", baseline: 204938, baselineLabel: "COPY", ratio: 0.25, target: "≥ 0.25 × COPY", met: true },
      { figure: "freshness", metric: "max", database: "pglite", value: 0.0312, unit: "s", baseline: null, baselineLabel: null, ratio: null, target: "≤ 10 s", met: false },
    ],
  };
  const md = markdownTable(report);

  it("has a header, one row per result, and says what was not met", () => {
    const rows = md.split("\n").filter((l) => l.startsWith("| "));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toBe("| ingest | events/s | PostgreSQL | 51,235 events/s | 204,938 events/s (COPY) | 0.25× | ≥ 0.25 × COPY | yes |");
    expect(rows[2]).toBe("| freshness | max | PGlite | 0.03 s | — | — | ≤ 10 s | **no** |");
  });

  it("names the machine and the scale", () => {
    expect(md.split("\n")[0]).toContain("2 × Test CPU, 8 GiB, Node v20.20.2, PostgreSQL 15.1");
    expect(md.split("\n")[0]).toContain("Scale `small`");
  });
});

describe("routeFiles", () => {
  it("is the union of the root files and every segment's entry chunks, each once", () => {
    const files = routeFiles(["static/chunks/a.js", "static/chunks/b.js"], {
      "[project]/app/layout": ["static/chunks/b.js", "static/chunks/c.js"],
      "[project]/app/o/[org]/page": ["/_next/static/chunks/c.js", "static/chunks/d.js"],
    });
    expect(files).toEqual(["static/chunks/a.js", "static/chunks/b.js", "static/chunks/c.js", "static/chunks/d.js"]);
  });
});

describe("withBenchTable", () => {
  it("replaces only what is between the markers, however often it runs", () => {
    const readme = "# A\n\n<!-- bench:start -->\nold table\n<!-- bench:end -->\n\nafter\n";
    const once = withBenchTable(readme, "| new |\n");
    expect(once).toBe("# A\n\n<!-- bench:start -->\n| new |\n<!-- bench:end -->\n\nafter\n");
    expect(withBenchTable(once!, "| new |\n")).toBe(once);
  });

  it("answers null without the markers", () => {
    expect(withBenchTable("# A\n", "| t |")).toBeNull();
  });
});
