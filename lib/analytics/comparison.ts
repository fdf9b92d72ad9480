// Comparisons (issue 18, item 5): a range against its previous period, and two versions of one mini-program side
// by side. Both are the overview of CONTRACT §7 computed again for another range or another version filter, so
// they read the same rollups, are exact the same way, and can never disagree with the overview of that range.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { OrgContext } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/validation";
import { breakdownCsv, daysCsv } from "./csv";
import {
  previousDaysCsv,
  previousRange,
  previousTotalsCsv,
  totalsCsv,
  versionComparisonCsv,
  type OverviewWithPrevious,
  type PreviousPeriod,
  type VersionComparison,
  type VersionFigures,
} from "./comparison-shared";
import { overviewQuerySchema, parseOverviewQuery } from "./params";
import { getVersionUsers } from "./queries/version-adoption";
import { compareVersions, getOverview, scopeFor, type OverviewOptions } from "./service";
import { selectRows } from "./sql";
import type { AnalyticsFilters, Overview, OverviewQuery } from "./types";

const format = z.enum(["json", "csv"]).optional().describe("`csv` answers text/csv (RFC 4180, formula-safe) with the same numbers as the JSON");

/** What GET /api/v1/analytics/overview takes on top of the range and filters. */
export const overviewApiQuerySchema = overviewQuerySchema
  .extend({
    compare: z.enum(["previous"]).optional().describe("`previous` adds `previous`: the same figures for the N days before `from` (N = the range's length), under the same filters"),
    format,
    table: z
      .enum(["days", "totals", "breakdown"])
      .optional()
      .describe("With format=csv: which table (default `days`). With compare=previous, `days` adds the previous period's days (columns `period`, `offset`) and `totals` adds the columns `previous`, `delta` (current − previous) and `change` (delta / previous; empty when previous is 0 or empty)"),
  })
  .strict();

export type OverviewApiQuery = { query: OverviewQuery; compare?: "previous"; format: "json" | "csv"; table: "days" | "totals" | "breakdown" };

const EXTRA_KEYS = ["compare", "format", "table"];

function rawParams(params: URLSearchParams, skip: string[] = []): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "" && !skip.includes(k)) raw[k] = v;
  return raw;
}

/** `?from&to&hostId&appId&platform&version&compare&format&table`; the range rules are the overview's. */
export function parseOverviewApiQuery(params: URLSearchParams, now = Date.now()): OverviewApiQuery {
  const parsed = overviewApiQuerySchema.safeParse(rawParams(params, ["view"]));
  if (!parsed.success) throw new AppError("invalid_input", "Bad analytics parameters", { fields: zodFieldErrors(parsed.error) });
  const rest = new URLSearchParams(params);
  for (const k of EXTRA_KEYS) rest.delete(k);
  const out: OverviewApiQuery = { query: parseOverviewQuery(rest, now), format: parsed.data.format ?? "json", table: parsed.data.table ?? "days" };
  if (parsed.data.compare) out.compare = parsed.data.compare;
  return out;
}

const versionParam = z.string().trim().min(1).max(64);

/** GET /api/v1/analytics/versions/compare. */
export const versionCompareQuerySchema = z
  .object({
    appId: overviewQuerySchema.shape.appId.unwrap().describe("The mini-program's appId"),
    a: versionParam.optional().describe("The baseline version; default: the second newest version with events in the range"),
    b: versionParam.optional().describe("The version compared with it; default: the newest version with events in the range"),
    from: overviewQuerySchema.shape.from,
    to: overviewQuerySchema.shape.to,
    hostId: overviewQuerySchema.shape.hostId,
    format,
  })
  .strict();

export type VersionCompareQuery = { appId: string; a?: string; b?: string; from: string; to: string; hostId?: string };

export function parseVersionCompareQuery(params: URLSearchParams, now = Date.now()): { query: VersionCompareQuery; format: "json" | "csv" } {
  const parsed = versionCompareQuerySchema.safeParse(rawParams(params, ["view"]));
  if (!parsed.success) throw new AppError("invalid_input", "Bad version comparison parameters", { fields: zodFieldErrors(parsed.error) });
  const p = parsed.data;
  const range = new URLSearchParams();
  for (const k of ["from", "to", "hostId", "appId"] as const) if (p[k]) range.set(k, p[k]);
  const r = parseOverviewQuery(range, now);
  const query: VersionCompareQuery = { appId: p.appId, from: r.from, to: r.to };
  if (r.hostId) query.hostId = r.hostId;
  if (p.a) query.a = p.a;
  if (p.b) query.b = p.b;
  return { query, format: p.format ?? "json" };
}

/** The overview of the range, and with `compare: "previous"` the same figures of the period before it. */
export async function getOverviewWithPrevious(ctx: OrgContext, q: OverviewQuery, opts: OverviewOptions = {}): Promise<OverviewWithPrevious> {
  const current = await getOverview(ctx, q, opts);
  return { ...current, previous: await getPreviousPeriod(ctx, q, opts) };
}

/** The figures of the N days before the range, under the same filters. */
export async function getPreviousPeriod(ctx: OrgContext, q: OverviewQuery, opts: OverviewOptions = {}): Promise<PreviousPeriod> {
  const before = await getOverview(ctx, { ...q, ...previousRange(q.from, q.to) }, opts);
  return { from: before.from, to: before.to, totals: before.totals, days: before.days, retention: before.retention };
}

/** A version is known when it was uploaded for the mini-program or any event reported it. */
async function versionKnown(ctx: OrgContext, appId: string, version: string): Promise<boolean> {
  const rows = await selectRows<{ n: number }>(
    ctx.db,
    sql`SELECT 1 AS n WHERE EXISTS (SELECT 1 FROM versions WHERE org_id = ${ctx.org.id} AND app_id = ${appId} AND version = ${version})
        OR EXISTS (SELECT 1 FROM daily_stats WHERE org_id = ${ctx.org.id} AND app_id = ${appId} AND version = ${version})`,
  );
  return rows.length > 0;
}

function figuresOf(version: string, o: Overview): VersionFigures {
  return { version, totals: o.totals, retention: o.retention, platforms: o.breakdown.platform };
}

/**
 * Two versions of one mini-program over a range (optionally on one host). An unknown mini-program or host is 404
 * like everywhere in analytics; a version never uploaded and never reported is 404 too (it names a thing that does
 * not exist); the same version twice, or no two versions to default to, is 422.
 */
export async function getVersionComparison(ctx: OrgContext, q: VersionCompareQuery, opts: OverviewOptions = {}): Promise<VersionComparison> {
  const f: AnalyticsFilters = { appId: q.appId };
  if (q.hostId !== undefined) f.hostId = q.hostId;
  const scope = await scopeFor(ctx, f);
  const used = await getVersionUsers(ctx.db, scope, f, q.from, q.to);
  const versions = [...new Set(used.map((r) => r.version))].sort((x, y) => compareVersions(y, x));
  let { a, b } = q;
  if (b === undefined) b = versions.find((v) => v !== a);
  if (a === undefined) a = versions.find((v) => v !== b);
  if (a === undefined || b === undefined) {
    throw new AppError("invalid_input", "Fewer than two versions had events in this range: name the versions with a and b", {
      fields: { [q.a === undefined ? "a" : "b"]: ["Required: fewer than two versions had events in the range"] },
    });
  }
  if (a === b) throw new AppError("invalid_input", "Compare two different versions", { fields: { b: ["Must differ from a"] } });
  for (const [field, v] of [["a", a], ["b", b]] as const) {
    if (!(await versionKnown(ctx, q.appId, v))) throw new AppError("not_found", `Version ${v} of ${q.appId} not found`, { fields: { [field]: ["No such version"] } });
  }
  const base: OverviewQuery = { from: q.from, to: q.to, ...f };
  const oa = await getOverview(ctx, { ...base, version: a }, opts);
  const ob = await getOverview(ctx, { ...base, version: b }, opts);
  const out: VersionComparison = { appId: q.appId, from: q.from, to: q.to, versions, a: figuresOf(a, oa), b: figuresOf(b, ob) };
  if (q.hostId !== undefined) out.hostId = q.hostId;
  return out;
}

/** A CSV answer, offered as a file download. */
export function csvResponse(filename: string, csv: string): Response {
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** The overview's CSV tables (?format=csv&table=…). */
export function overviewCsv(o: OverviewWithPrevious, table: OverviewApiQuery["table"]): string {
  if (table === "breakdown") return breakdownCsv(o);
  if (table === "totals") return o.previous ? previousTotalsCsv(o, o.previous) : totalsCsv(o);
  return o.previous ? previousDaysCsv(o, o.previous) : daysCsv(o);
}

export { versionComparisonCsv };
