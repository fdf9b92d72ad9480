// The query of every analytics view: a UTC day range and optional filters, validated once for the API,
// the dashboards' data route and the tests alike.
import { z } from "zod";
import { PLATFORMS } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/validation";
import { addDays, daysBetween, isDay, utcDay } from "./dates";
import type { AdoptionQuery, OverviewQuery } from "./types";

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

const day = z.string().refine(isDay, "Use a calendar day as YYYY-MM-DD");
const id = z.string().trim().min(1).max(100);

export const overviewQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    hostId: id.optional(),
    appId: id.optional(),
    platform: z.enum(PLATFORMS).optional(),
    version: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

/** The insights' query (CONTRACT §11): a range and optionally one host and one mini-program. */
export const anomalyQuerySchema = overviewQuerySchema.pick({ from: true, to: true, hostId: true, appId: true }).strict();

/** Parses `?from&to&hostId&appId&platform&version`; empty values count as absent. */
export function parseOverviewQuery(params: URLSearchParams, now = Date.now()): OverviewQuery {
  return parseAnalyticsQuery(overviewQuerySchema, params, now);
}

/** Parses `?from&to&hostId&appId` for the anomalies; the same range rules as every analytics view. */
export function parseAnomalyQuery(params: URLSearchParams, now = Date.now()): OverviewQuery {
  return parseAnalyticsQuery(anomalyQuerySchema, params, now);
}

function parseAnalyticsQuery(schema: typeof overviewQuerySchema | typeof anomalyQuerySchema, params: URLSearchParams, now: number): OverviewQuery {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "" && k !== "view") raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_input", "Bad analytics parameters", { fields: zodFieldErrors(parsed.error) });
  const q: z.output<typeof overviewQuerySchema> = parsed.data;
  const out: OverviewQuery = resolveRange(q.from, q.to, now);
  if (q.hostId) out.hostId = q.hostId;
  if (q.appId) out.appId = q.appId;
  if (q.platform) out.platform = q.platform;
  if (q.version) out.version = q.version;
  return out;
}

/** The range rules of every analytics view: defaults around today, `from` ≤ `to`, at most MAX_RANGE_DAYS days. */
export function resolveRange(fromDay: string | undefined, toDay: string | undefined, now = Date.now()): { from: string; to: string } {
  const to = toDay ?? (fromDay ? addDays(fromDay, DEFAULT_RANGE_DAYS - 1) : utcDay(now));
  const from = fromDay ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  const span = daysBetween(from, to) + 1;
  if (span < 1) throw new AppError("invalid_input", '"from" must not be after "to"', { fields: { from: ["Must not be after to"] } });
  if (span > MAX_RANGE_DAYS) {
    throw new AppError("invalid_input", `A range covers at most ${MAX_RANGE_DAYS} days`, { fields: { to: [`At most ${MAX_RANGE_DAYS} days after from`] } });
  }
  return { from, to };
}

/** Error groups, pages and custom events (issue 18): one mini-program, required; the overview's other filters. */
export const keyedQuerySchema = overviewQuerySchema.extend({ appId: id }).strict();

export type KeyedQuery = OverviewQuery & { appId: string };

/** Parses `?from&to&appId[&hostId&version&platform]`; a missing appId is 422, as is any range the overview refuses. */
export function parseKeyedQuery(params: URLSearchParams, now = Date.now()): KeyedQuery {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "" && k !== "view" && k !== "format") raw[k] = v;
  const parsed = keyedQuerySchema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_input", "Bad analytics parameters", { fields: zodFieldErrors(parsed.error) });
  const q = parsed.data;
  const out: KeyedQuery = { ...resolveRange(q.from, q.to, now), appId: q.appId };
  if (q.hostId) out.hostId = q.hostId;
  if (q.platform) out.platform = q.platform;
  if (q.version) out.version = q.version;
  return out;
}

export const MAX_FUNNEL_STEPS = 10;

export const funnelStepSchema = z
  .object({ type: z.enum(["page", "event"]), value: z.string().trim().min(1).max(512) })
  .strict();

/** POST /api/v1/analytics/funnel's body: one mini-program, optionally one host, 1–10 ordered steps. */
export const funnelInputSchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    appId: id,
    hostId: id.optional(),
    steps: z.array(funnelStepSchema).min(1, "At least one step").max(MAX_FUNNEL_STEPS, `At most ${MAX_FUNNEL_STEPS} steps`),
  })
  .strict();

export type FunnelStep = z.output<typeof funnelStepSchema>;
export type FunnelQuery = { from: string; to: string; appId: string; hostId?: string; steps: FunnelStep[] };

export function parseFunnelInput(body: unknown, now = Date.now()): FunnelQuery {
  const parsed = funnelInputSchema.safeParse(body);
  if (!parsed.success) throw new AppError("invalid_input", "Bad funnel", { fields: zodFieldErrors(parsed.error) });
  const q = parsed.data;
  const out: FunnelQuery = { ...resolveRange(q.from, q.to, now), appId: q.appId, steps: q.steps };
  if (q.hostId) out.hostId = q.hostId;
  return out;
}

export const adoptionQuerySchema = z.object({ appId: id, hostId: id.optional() }).strict();

/** Parses `?appId[&hostId]` of /api/v1/analytics/adoption; appId is required (422 without it). */
export function parseAdoptionQuery(params: URLSearchParams): AdoptionQuery {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "") raw[k] = v;
  const parsed = adoptionQuerySchema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_input", "Bad adoption parameters", { fields: zodFieldErrors(parsed.error) });
  const out: AdoptionQuery = { appId: parsed.data.appId };
  if (parsed.data.hostId) out.hostId = parsed.data.hostId;
  return out;
}
