// The wire shapes of the analytics figures (CONTRACT §7), shared by the API, the dashboards and the tests.
// Kept free of server imports so client components can use them.
import type { Platform } from "@/db/schema";

/** The filters of every figure; absent means "all". */
export type AnalyticsFilters = {
  hostId?: string;
  appId?: string;
  platform?: Platform;
  version?: string;
};

export type OverviewQuery = AnalyticsFilters & { from: string; to: string };

/** The fields every total and breakdown row carries. */
export type Totals = {
  launches: number;
  /** Distinct users over the whole range. */
  activeUsers: number;
  sessions: number;
  /** Mean `durationMs` of `session_end` events; null without sessions. */
  avgSessionMs: number | null;
  errors: number;
  /** errors / launches; null without launches. */
  errorRate: number | null;
};

export type DayFigures = {
  day: string;
  launches: number;
  activeUsers: number;
  /** Distinct users over the 30 days ending on this day. */
  mau: number;
  sessions: number;
  avgSessionMs: number | null;
  errors: number;
  errorRate: number | null;
  /** Users whose first launch of a mini-program fell on this day (the retention cohort's size). */
  newUsers: number;
  /** Of the cohort, the share with any event on the next day; null without a cohort or until that day has ended (UTC). */
  retentionD1: number | null;
  retentionD7: number | null;
  /** The day has not ended yet (UTC): its figures are so far, not final. */
  partial: boolean;
};

export type HostRow = Totals & { key: string; hostId: string; name: string };
export type MiniProgramRow = Totals & { key: string; appId: string; name: string };
export type VersionRow = Totals & { key: string; appId: string; version: string };
export type PlatformRow = Totals & { key: string; platform: Platform };

export type Overview = {
  from: string;
  to: string;
  filters: AnalyticsFilters;
  totals: Totals;
  days: DayFigures[];
  /** Retention over the range, weighted by cohort size, over the cohorts whose day 1 (day 7) has ended. */
  retention: { d1: number | null; d7: number | null };
  breakdown: {
    host: HostRow[];
    miniProgram: MiniProgramRow[];
    version: VersionRow[];
    platform: PlatformRow[];
  };
};

export type TotalsOnly = { from: string; to: string; filters: AnalyticsFilters; totals: Totals };

/** Distinct users per version and day, for one mini-program. */
export type AdoptionQuery = { appId: string; hostId?: string };

/** GET /api/v1/analytics/adoption (CONTRACT §13). */
export type LatestAdoption = {
  appId: string;
  /** The last complete UTC day. */
  day: string;
  versions: { version: string; users: number; share: number | null }[];
};

export type VersionAdoption = {
  from: string;
  to: string;
  appId: string;
  versions: string[];
  days: { day: string; activeUsers: number; users: Record<string, number> }[];
  /** The last complete UTC day, as GET /api/v1/analytics/adoption answers it (the console's data route adds it). */
  latest?: LatestAdoption;
};

/** What the dashboards' filters can choose from: what the viewer may see; `hasData` once any event arrived. */
export type FilterOptions = {
  hosts: { hostId: string; name: string; hasData: boolean }[];
  miniPrograms: { appId: string; name: string; hasData: boolean }[];
  versions: { appId: string; version: string }[];
  platforms: Platform[];
};

/** One error group (issue 18): error events whose messages share a fingerprint (lib/analytics/fingerprint.ts). */
export type ErrorGroup = {
  fingerprint: string;
  /** A representative message: the least (in the database's text order) of the group's messages in the range. */
  message: string | null;
  count: number;
  /** Distinct users with at least one of these errors in the range. */
  users: number;
  /** ISO 8601 UTC timestamps of the group's first and last event in the range. */
  firstSeen: string;
  lastSeen: string;
  /** The versions it occurred in, in the range, oldest first. */
  versions: string[];
  /** Only with a version filter: true when no earlier version of the mini-program ever had it (all stored days, any host). */
  newInVersion?: boolean;
  /** Every day of the range, with 0 where there were none: the sparkline. */
  days: { day: string; count: number }[];
};

export type ErrorGroups = { from: string; to: string; filters: AnalyticsFilters; items: ErrorGroup[] };
export type PageRow = { page: string; views: number; users: number };
export type PageStats = { from: string; to: string; filters: AnalyticsFilters; items: PageRow[] };
export type CustomEventRow = { name: string; count: number; users: number };
export type CustomEventStats = { from: string; to: string; filters: AnalyticsFilters; items: CustomEventRow[] };

export type FunnelStepResult = {
  type: "page" | "event";
  value: string;
  /** Sessions whose events hold steps 1…n in this order. */
  sessions: number;
  /** Distinct users with such a session. */
  users: number;
  /** sessions / the first step's sessions; null when no session reached the first step. */
  conversion: number | null;
};
export type Funnel = { from: string; to: string; appId: string; hostId?: string; steps: FunnelStepResult[] };
