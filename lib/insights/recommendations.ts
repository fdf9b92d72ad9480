// Recommendations (CONTRACT §11, issue 18 item 2): for one host app, the organization's approved mini-programs it
// does not run yet and whose newest fitting version its policy accepts (the assignment's own policy check,
// lib/sdk-server/policy-fit.ts, through assignableForHost), ranked by what people on the other host apps use:
// - co-usage: of the people who use a mini-program this host runs (on other hosts), the share who also use it;
// - reach: the share of all people on other hosts who use it;
// - category: this host already runs a mini-program of the same category.
// Each item says why in words (`reasons`, English, for scripts) and as data (`signals`, for the console's languages).
import { and, eq } from "drizzle-orm";
import { assignments, miniPrograms } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { getNames } from "@/lib/analytics/queries/names";
import { getScopedAppIds } from "@/lib/analytics/queries/scoped-apps";
import { assignableForHost } from "@/lib/services/assignments";
import { getCoUsage } from "./queries/co-usage";

/** Usage is read over the last 30 complete UTC days. */
export const RECOMMENDATION_WINDOW_DAYS = 30;
const WEIGHTS = { coUsage: 0.6, reach: 0.25, category: 0.15 };

export type RecommendationSignal =
  | { kind: "coUsage"; anchorAppId: string; anchorName: string; share: number; users: number }
  | { kind: "reach"; users: number; share: number; hostId: string; hostName: string; hosts: number }
  | { kind: "category"; category: string; sameAs: string[] }
  | { kind: "fits"; versionId: string; version: string };

export type Recommendation = {
  appId: string;
  name: string;
  category: string;
  score: number;
  reasons: string[];
  signals: RecommendationSignal[];
  /** What "Assign" offers: the newest fitting version that runs as stable elsewhere, else the newest that fits. */
  versionId: string;
  version: string;
};

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

function reasonText(s: RecommendationSignal): string {
  switch (s.kind) {
    case "coUsage":
      return `${pct(s.share)} of the people who use ${s.anchorName} on other host apps also use it (${s.users.toLocaleString("en")})`;
    case "reach":
      return `Used by ${s.users.toLocaleString("en")} ${s.users === 1 ? "person" : "people"} on ${s.hosts === 1 ? s.hostName : `${s.hosts} other host apps`} in the last ${RECOMMENDATION_WINDOW_DAYS} days`;
    case "category":
      return `Same category (${s.category}) as ${s.sameAs.join(", ")}, which this host app runs`;
    case "fits":
      return `Version ${s.version} fits this host app's policy`;
  }
}

export async function getRecommendations(ctx: OrgContext, hostId: string, opts: { now?: number } = {}): Promise<{ hostId: string; items: Recommendation[] }> {
  authorize(ctx, "analytics.view");
  // 404 for an unknown or foreign host; every approved version with the reasons this host's policy refuses it.
  const assignable = await assignableForHost(ctx, hostId);
  const [runs, stables, catalog, names, appIds] = await Promise.all([
    ctx.db.select({ appId: assignments.appId }).from(assignments).where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.hostId, hostId))),
    ctx.db.select({ versionId: assignments.stableVersionId }).from(assignments).where(eq(assignments.orgId, ctx.org.id)),
    ctx.db.select({ appId: miniPrograms.appId, name: miniPrograms.name, category: miniPrograms.category }).from(miniPrograms).where(eq(miniPrograms.orgId, ctx.org.id)),
    getNames(ctx.db, ctx.org.id),
    getScopedAppIds(ctx),
  ]);
  const running = new Set(runs.map((r) => r.appId));
  const stableIds = new Set(stables.map((r) => r.versionId));
  const info = new Map(catalog.map((m) => [m.appId, m]));
  const candidates = assignable
    .filter((mp) => !running.has(mp.appId) && mp.assignmentId === null)
    .flatMap((mp) => {
      // Newest first (assignableForHost sorts them): the newest fitting version another host runs as stable (proven
      // in service, where a newer one may be a candidate still rolling out, or halted), else the newest that fits.
      const fits = mp.versions.filter((v) => v.reasons.length === 0);
      const fit = fits.find((v) => stableIds.has(v.id)) ?? fits[0];
      return fit ? [{ appId: mp.appId, name: mp.name, versionId: fit.id, version: fit.version }] : [];
    });
  if (candidates.length === 0) return { hostId, items: [] };
  // A developer's figures come only from the mini-programs they may see analytics of.
  const anchors = [...running].filter((a) => appIds === null || appIds.includes(a));
  const to = addDays(utcDay(opts.now ?? Date.now()), -1);
  const usage = await getCoUsage(ctx.db, ctx.org.id, { hostId, anchors, candidates: candidates.map((c) => c.appId), appIds }, addDays(to, -(RECOMMENDATION_WINDOW_DAYS - 1)), to);
  const usersOf = new Map(usage.users.map((u) => [u.appId, u.users]));

  const items = candidates.map((c): Recommendation => {
    const category = info.get(c.appId)?.category ?? "other";
    const signals: RecommendationSignal[] = [];
    // Co-usage: the strongest anchor speaks for the candidate.
    let coShare = 0;
    for (const p of usage.pairs.filter((p) => p.candidate === c.appId)) {
      const base = usersOf.get(p.anchor) ?? 0;
      const share = base > 0 ? p.users / base : 0;
      if (share > coShare) {
        coShare = share;
        const s: RecommendationSignal = { kind: "coUsage", anchorAppId: p.anchor, anchorName: names.miniPrograms.get(p.anchor) ?? p.anchor, share, users: p.users };
        const at = signals.findIndex((x) => x.kind === "coUsage");
        if (at >= 0) signals[at] = s;
        else signals.push(s);
      }
    }
    const users = usersOf.get(c.appId) ?? 0;
    const reach = usage.total > 0 ? users / usage.total : 0;
    if (users > 0) {
      const hosts = usage.byHost.filter((h) => h.appId === c.appId).sort((a, b) => b.users - a.users || a.hostId.localeCompare(b.hostId));
      const top = hosts[0]!;
      signals.push({ kind: "reach", users, share: reach, hostId: top.hostId, hostName: names.hosts.get(top.hostId) ?? top.hostId, hosts: hosts.length });
    }
    const sameAs = category === "other" ? [] : [...running].filter((a) => info.get(a)?.category === category).map((a) => info.get(a)!.name).sort();
    if (sameAs.length) signals.push({ kind: "category", category, sameAs });
    signals.push({ kind: "fits", versionId: c.versionId, version: c.version });
    const score = WEIGHTS.coUsage * coShare + WEIGHTS.reach * reach + (sameAs.length ? WEIGHTS.category : 0);
    return { appId: c.appId, name: c.name, category, score: Number(score.toFixed(4)), reasons: signals.map(reasonText), signals, versionId: c.versionId, version: c.version };
  });
  items.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.appId.localeCompare(b.appId));
  return { hostId, items };
}
