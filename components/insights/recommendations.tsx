// A host app's recommended mini-programs (issue 18 item 2), each with its reasons in the reader's language and,
// for those who may assign, "Assign" one click away: the assign form with the mini-program and version chosen.
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { Recommendation, RecommendationSignal } from "@/lib/insights/recommendations";

export function RecommendationList({ items, assignHref }: { items: Recommendation[]; assignHref: ((r: Recommendation) => string) | null }) {
  const t = useTranslations("insights.recommendations");
  const tc = useTranslations("miniPrograms.categories");
  const format = useFormatter();
  const pct = (x: number) => format.number(x, { style: "percent", maximumFractionDigits: x < 0.1 ? 1 : 0 });
  const reason = (s: RecommendationSignal) => {
    switch (s.kind) {
      case "coUsage":
        return t("reasons.coUsage", { share: pct(s.share), anchor: s.anchorName, users: s.users });
      case "reach":
        return t("reasons.reach", { users: s.users, hosts: s.hosts, host: s.hostName, days: 30 });
      case "category":
        return t("reasons.category", { category: tc.has(s.category) ? tc(s.category) : s.category, apps: format.list(s.sameAs) });
      case "fits":
        return t("reasons.fits", { version: s.version });
    }
  };
  if (items.length === 0) return <p className="text-sm text-muted-fg" data-testid="recommendations-none">{t("none")}</p>;
  return (
    <ol className="divide-y divide-border text-sm" data-testid="recommendations">
      {items.map((r) => (
        <li key={r.appId} className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 py-3 first:pt-0 last:pb-0" data-testid="recommendation">
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <span className="font-medium">{r.name}</span>
              <code className="break-all font-mono text-xs text-muted-fg">{r.appId}</code>
              <span className="text-xs text-muted-fg">{t("match", { score: pct(r.score) })}</span>
            </div>
            <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-muted-fg" data-testid="recommendation-reasons">
              {r.signals.map((s, i) => (
                <li key={i}>{reason(s)}</li>
              ))}
            </ul>
          </div>
          {assignHref && (
            <Link
              href={assignHref(r)}
              className="inline-flex shrink-0 items-center rounded-md bg-primary px-3 py-1.5 text-sm font-medium text-primary-fg hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-primary"
              aria-label={t("assignLabel", { name: r.name, version: r.version })}
              data-testid="recommendation-assign"
            >
              {t("assign")}
            </Link>
          )}
        </li>
      ))}
    </ol>
  );
}
