"use client";
// Issue 18's resources for the console: error groups, pages, custom events (GET on the data route) and the funnel
// (POST), each keyed by exactly its inputs like the overview's hooks.
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import type { CustomEventStats, ErrorGroups, Funnel, PageStats } from "@/lib/analytics/types";
import { AnalyticsRequestError } from "./use-analytics";

export type InsightParams = { org: string; appId: string; from: string; to: string; hostId?: string; version?: string; platform?: string };

async function parse<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new AnalyticsRequestError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

function view<T>(view: string, p: InsightParams): Promise<T> {
  const qs = new URLSearchParams({ view });
  for (const k of ["from", "to", "appId", "hostId", "version", "platform"] as const) if (p[k]) qs.set(k, p[k]!);
  return fetch(`/o/${encodeURIComponent(p.org)}/analytics/data?${qs}`, { headers: { accept: "application/json" }, cache: "no-store" }).then(parse<T>);
}

const common = {
  placeholderData: keepPreviousData,
  retry: (n: number, e: Error) => !(e instanceof AnalyticsRequestError && e.status < 500) && n < 2,
};

export function useErrorGroups(p: InsightParams | null) {
  return useQuery({ queryKey: ["analytics:errors", p], queryFn: () => view<ErrorGroups>("errors", p!), enabled: p !== null, ...common });
}

export function usePageStats(p: InsightParams | null) {
  return useQuery({ queryKey: ["analytics:pages", p], queryFn: () => view<PageStats>("pages", p!), enabled: p !== null, ...common });
}

export function useCustomEventStats(p: InsightParams | null) {
  return useQuery({ queryKey: ["analytics:events", p], queryFn: () => view<CustomEventStats>("events", p!), enabled: p !== null, ...common });
}

export type FunnelRequest = { from: string; to: string; appId: string; hostId?: string; steps: { type: "page" | "event"; value: string }[] };

export function useFunnel(org: string) {
  return useMutation({
    mutationFn: (body: FunnelRequest) =>
      fetch(`/o/${encodeURIComponent(org)}/analytics/funnel`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      }).then(parse<Funnel>),
  });
}
