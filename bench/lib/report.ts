// The benchmark's report: one row per figure, metric and database, each beside the baseline measured in the
// same run, written as JSON (bench/results/latest.json) and as the Markdown table the README shows.
import { round } from "./stats";

export type Database = "postgres" | "pglite" | "build";

export type ResultRow = {
  figure: "ingest" | "dashboard" | "manifest" | "pages" | "mixed" | "freshness" | "insights";
  /** What exactly the value is, e.g. "p95" or "req/s"; one figure may have several. */
  metric: string;
  database: Database;
  value: number;
  unit: string;
  /** The same measurement on the baseline, in the same run; null where the issue names none. */
  baseline: number | null;
  baselineLabel: string | null;
  /** value ÷ baseline. */
  ratio: number | null;
  target: string;
  met: boolean;
  note?: string;
};

export type Machine = {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  os: string;
  postgres: string | null;
  /** 1, 5 and 15 minute load averages when the run started and ended: other work on the machine skews figures. */
  loadAverage?: { start: number[]; end: number[] };
};

export type Report = {
  generatedAt: string;
  scale: string;
  seconds: number;
  machine: Machine;
  dataset: Record<string, unknown>;
  results: ResultRow[];
  details: Record<string, unknown>;
};

export function ratioOf(value: number, baseline: number | null): number | null {
  return baseline && Number.isFinite(baseline) && baseline !== 0 ? value / baseline : null;
}

const DB_LABEL: Record<Database, string> = { postgres: "PostgreSQL", pglite: "PGlite", build: "build" };

function num(v: number | null, unit = ""): string {
  if (v === null || !Number.isFinite(v)) return "—";
  const r = round(v);
  const s = Math.abs(r) >= 1000 ? Math.round(r).toLocaleString("en-US") : String(r);
  return unit ? `${s} ${unit}` : s;
}

/** The Markdown table of a report, with the machine line above it. */
export function markdownTable(r: Report): string {
  const m = r.machine;
  const lines = [
    `Scale \`${r.scale}\`, ${r.generatedAt.slice(0, 19).replace("T", " ")} UTC, ${Math.round(r.seconds)} s; ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}${m.postgres ? `, ${m.postgres}` : ""}${m.loadAverage ? `; load average ${m.loadAverage.start[0]} at start, ${m.loadAverage.end[0]} at end` : ""}.`,
    "",
    "| figure | metric | database | value | baseline | ratio | target | met |",
    "|---|---|---|---:|---|---:|---|:---:|",
  ];
  for (const row of r.results) {
    const baseline = row.baseline === null ? "—" : `${num(row.baseline, row.unit)} (${row.baselineLabel ?? "baseline"})`;
    lines.push(
      `| ${row.figure} | ${row.metric} | ${DB_LABEL[row.database]} | ${num(row.value, row.unit)} | ${baseline} | ${row.ratio === null ? "—" : `${num(row.ratio)}×`} | ${row.target} | ${row.met ? "yes" : "**no**"} |`,
    );
  }
  return lines.join("\n") + "\n";
}

export const README_MARKERS = { start: "<!-- bench:start -->", end: "<!-- bench:end -->" } as const;

/** The README with the text between its bench markers replaced; null when the markers are missing. */
export function withBenchTable(readme: string, table: string): string | null {
  const a = readme.indexOf(README_MARKERS.start);
  const b = readme.indexOf(README_MARKERS.end);
  if (a < 0 || b < a) return null;
  return `${readme.slice(0, a + README_MARKERS.start.length)}\n${table.trimEnd()}\n${readme.slice(b)}`;
}
