import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/layout";
import type { AgeMark, RiskLevel } from "@/lib/services/reviews";
import { durationParts } from "./format";

const RISK_TONE = { low: "success", medium: "warning", high: "danger" } as const;

export function RiskBadge({ level, score }: { level: RiskLevel; score: number }) {
  const t = useTranslations("reviews");
  return (
    <span data-testid="risk-badge" data-level={level} data-score={score}>
      <Badge tone={RISK_TONE[level]}>{t("riskBadge", { level: t(`riskLevel.${level}`), score })}</Badge>
    </span>
  );
}

export function AgeBadge({ mark }: { mark: AgeMark }) {
  const t = useTranslations("reviews");
  if (!mark) return null;
  return (
    <span data-testid="age-mark" data-mark={mark}>
      <Badge tone={mark === "over72h" ? "danger" : "warning"}>{t(`ageMark.${mark}`)}</Badge>
    </span>
  );
}

/** "3 d 8 h", "5 h 12 min", "7 min". */
export function useDuration() {
  const t = useTranslations("reviews");
  return (ms: number) => {
    const p = durationParts(ms);
    return t(`age.${p.unit}`, { days: p.days, hours: p.hours, minutes: p.minutes });
  };
}
