// Anomalies in words (issue 18 item 1): "errors 7.2% vs 1.4% expected for a Wednesday", in the reader's language.
// No "use client": the overview (a server component) and the dashboards (client) render the same list.
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";

export type AnomalyLike = {
  day: string;
  hostId: string;
  appId: string;
  hostName?: string;
  appName?: string;
  metric: "launches" | "activeUsers" | "errorRate";
  value: number;
  expected: number;
  direction: "up" | "down";
  score: number;
};

/** The sentence that explains one anomaly. */
export function useAnomalyExplainer(): (a: AnomalyLike) => string {
  const t = useTranslations("insights.anomalies");
  const format = useFormatter();
  return (a) => {
    const weekday = format.dateTime(new Date(`${a.day}T00:00:00Z`), { weekday: "long", timeZone: "UTC" });
    const figure = (x: number) => (a.metric === "errorRate" ? format.number(x, { style: "percent", maximumFractionDigits: 1 }) : format.number(Math.round(x)));
    return t(`explain.${a.metric}`, { value: figure(a.value), expected: figure(a.expected), weekday });
  };
}

/** "Coupons on Demo SuperApp: errors 7.2% vs 1.4% expected for a Wednesday": what a chart's tooltip says. */
export function useAnomalyLabel(): (a: AnomalyLike) => string {
  const t = useTranslations("insights.anomalies");
  const explain = useAnomalyExplainer();
  return (a) => `${t("item", { app: a.appName ?? a.appId, host: a.hostName ?? a.hostId })}: ${explain(a)}`;
}

export function AnomalyList({ items, org, testId = "anomalies" }: { items: AnomalyLike[]; org: string; testId?: string }) {
  const t = useTranslations("insights.anomalies");
  const format = useFormatter();
  const explain = useAnomalyExplainer();
  return (
    <ul className="divide-y divide-border text-sm" data-testid={testId}>
      {items.map((a) => (
        <li key={`${a.day}|${a.hostId}|${a.appId}|${a.metric}`} className="space-y-0.5 py-2.5 first:pt-0 last:pb-0" data-testid="anomaly">
          <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
            <Link
              href={`/o/${org}/analytics?hostId=${encodeURIComponent(a.hostId)}&appId=${encodeURIComponent(a.appId)}`}
              className="min-w-0 break-words font-medium text-primary hover:underline"
              title={t("open")}
            >
              {t("item", { app: a.appName ?? a.appId, host: a.hostName ?? a.hostId })}
            </Link>
            <time dateTime={a.day} className="text-xs text-muted-fg">
              {format.dateTime(new Date(`${a.day}T00:00:00Z`), { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" })}
            </time>
          </div>
          <p className={`flex items-center gap-1.5 text-xs ${a.metric === "errorRate" ? (a.direction === "up" ? "text-danger" : "text-success") : a.direction === "down" ? "text-warning" : "text-fg"}`}>
            <span aria-hidden>{a.direction === "up" ? "▲" : "▼"}</span>
            <span className="sr-only">{t(a.direction)}: </span>
            <span data-testid="anomaly-explanation">{explain(a)}</span>
            <span className="text-muted-fg" title={t("score", { score: format.number(a.score, { maximumFractionDigits: 1 }) })}>
              · z {format.number(a.score, { maximumFractionDigits: 1 })}
            </span>
          </p>
        </li>
      ))}
    </ul>
  );
}
