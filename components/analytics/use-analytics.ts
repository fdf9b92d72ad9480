"use client";
// One hook per analytics resource, each with an object query key (umami's pattern): a key holds exactly the
// inputs of its request, so React Query refetches when a filter changes and shares identical requests.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AnalyticsFilters, FilterOptions, Overview, TotalsOnly, VersionAdoption } from "@/lib/analytics/types";
import type { AnomalyLike as AnomalyItem } from "@/components/insights/anomalies";
import type { PreviousPeriod, VersionComparison } from "@/lib/analytics/comparison-shared";

/** How often the dashboards refetch while the tab is visible. */
export const REFRESH_MS = 30_000;

export type AnalyticsParams = AnalyticsFilters & { org: string; from: string; to: string };

export class AnalyticsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function fetchView<T>(org: string, view: string, params: Record<string, string | undefined>): Promise<T> {
  const qs = new URLSearchParams({ view });
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  const res = await fetch(`/o/${encodeURIComponent(org)}/analytics/data?${qs}`, { headers: { accept: "application/json" }, cache: "no-store" });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new AnalyticsRequestError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

const filterParams = (p: AnalyticsParams) => ({ from: p.from, to: p.to, hostId: p.hostId, appId: p.appId, platform: p.platform, version: p.version });

const common = (autoRefresh: boolean) => ({
  refetchInterval: autoRefresh ? REFRESH_MS : (false as const),
  refetchIntervalInBackground: false,
  // A refetch after a filter change keeps the previous figures on screen instead of flashing a skeleton.
  placeholderData: keepPreviousData,
  // A 4xx (bad range, a mini-program out of reach) will not fix itself by retrying.
  retry: (n: number, e: Error) => !(e instanceof AnalyticsRequestError && e.status < 500) && n < 2,
});

export function useAnalyticsOverview(params: AnalyticsParams, opts: { autoRefresh?: boolean } = {}) {
  return useQuery({
    queryKey: ["analytics:overview", params],
    queryFn: () => fetchView<Overview>(params.org, "overview", filterParams(params)),
    ...common(opts.autoRefresh ?? true),
  });
}

/** The totals of another range (the previous period, for the headline changes). */
export function useAnalyticsTotals(params: AnalyticsParams, opts: { autoRefresh?: boolean } = {}) {
  return useQuery({
    queryKey: ["analytics:totals", params],
    queryFn: () => fetchView<TotalsOnly>(params.org, "totals", filterParams(params)),
    ...common(opts.autoRefresh ?? true),
  });
}

export function useVersionAdoption(params: AnalyticsParams, opts: { autoRefresh?: boolean } = {}) {
  return useQuery({
    queryKey: ["analytics:adoption", params],
    queryFn: () => fetchView<VersionAdoption>(params.org, "adoption", filterParams(params)),
    enabled: Boolean(params.appId) && !params.version,
    ...common(opts.autoRefresh ?? true),
  });
}

/** Anomalies of the range (CONTRACT §11): judged per mini-program × host, so not under a platform or version filter. */
export function useAnalyticsAnomalies(params: AnalyticsParams, opts: { autoRefresh?: boolean } = {}) {
  return useQuery({
    queryKey: ["analytics:anomalies", params],
    queryFn: () => fetchView<{ items: AnomalyItem[] }>(params.org, "anomalies", { from: params.from, to: params.to, hostId: params.hostId, appId: params.appId }),
    enabled: !params.platform && !params.version,
    ...common(opts.autoRefresh ?? true),
  });
}

export function useAnalyticsFilterOptions(org: string) {
  return useQuery({
    queryKey: ["analytics:options", { org }],
    queryFn: () => fetchView<FilterOptions>(org, "options", {}),
    staleTime: 5 * 60_000,
  });
}

/** The previous period of the range (issue 18): totals for the cards' deltas, days for the charts' overlay. */
export function useAnalyticsPrevious(params: AnalyticsParams, opts: { autoRefresh?: boolean } = {}) {
  return useQuery({
    queryKey: ["analytics:previous", params],
    queryFn: () => fetchView<PreviousPeriod>(params.org, "previous", filterParams(params)),
    ...common(opts.autoRefresh ?? true),
  });
}

/** Two versions of one mini-program side by side; without a and b the service picks the newest two with traffic. */
export function useVersionComparison(params: { org: string; appId?: string; hostId?: string; from: string; to: string; a?: string; b?: string }, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ["analytics:versions", params],
    queryFn: () => fetchView<VersionComparison>(params.org, "versions", { appId: params.appId, hostId: params.hostId, from: params.from, to: params.to, a: params.a, b: params.b }),
    enabled: Boolean(params.appId) && (opts.enabled ?? true),
    placeholderData: keepPreviousData,
    retry: common(false).retry,
  });
}
