// The risk score with the reason and points of each item, so a reviewer sees why, not just how much.
import { useTranslations } from "next-intl";
import type { Risk } from "@/lib/packages/diff";
import { useFindingText } from "@/components/mini-programs/use-finding-text";
import { RiskBadge } from "./badges";

const BAR = { low: "bg-success", medium: "bg-warning", high: "bg-danger" } as const;

export function RiskPanel({ risk }: { risk: Risk }) {
  const t = useTranslations("reviews.page");
  const tr = useTranslations("miniPrograms.report");
  const tf = useTranslations("findings");
  const text = useFindingText();
  // A warning's line is its title and its own text; other lines come from the catalog (findings.risk.*).
  const line = (item: Risk["items"][number]) => {
    if (item.finding) {
      const code = item.finding.code;
      return tf("risk.warning", { title: tr.has(`codes.${code}`) ? tr(`codes.${code}`) : code, text: text(item.finding) });
    }
    return text({ message: item.reason, key: item.key, params: item.params });
  };
  return (
    <div className="space-y-4" data-testid="risk-panel">
      <div className="flex flex-wrap items-end gap-x-3 gap-y-1">
        <span className="text-3xl font-semibold tabular-nums" data-testid="risk-score">
          {risk.score}
        </span>
        <span className="pb-1 text-sm text-muted-fg">{t("riskOutOf")}</span>
        <span className="pb-1">
          <RiskBadge level={risk.level} score={risk.score} />
        </span>
      </div>
      <div className="h-2 overflow-hidden rounded-full bg-muted" aria-hidden="true">
        <div className={`h-full ${BAR[risk.level]}`} style={{ width: `${risk.score}%` }} />
      </div>
      {risk.items.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("riskNone")}</p>
      ) : (
        <ul className="divide-y divide-border rounded-md border border-border text-sm" data-testid="risk-items">
          {risk.items.map((item, i) => (
            <li key={i} className="flex items-start justify-between gap-3 px-3 py-2">
              <span className="min-w-0 break-words">{line(item)}</span>
              <span className="shrink-0 font-mono text-xs font-semibold tabular-nums text-danger">{t("points", { points: item.points })}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="text-xs text-muted-fg">{t("riskExplain")}</p>
    </div>
  );
}
