// Why a rollout was halted, in the reader's language: a guardrail's halt from the figures it recorded (both the
// error rate seen and the ceiling crossed), anything else as the stored reason. Server and client components alike.
import { useFormatter, useTranslations } from "next-intl";
import type { HaltFigures } from "@/lib/release/halt-figures";

/** The halt's reason as a sentence: from a guardrail's figures when there are any, else the stored text. */
export function useHaltText(): (figures: HaltFigures | null, reason: string | null) => string | null {
  const t = useTranslations("releaseControl.halt");
  const format = useFormatter();
  const pct = (x: number) => format.number(x, { style: "percent", maximumFractionDigits: 2 });
  return (figures, reason) =>
    figures
      ? t("reason", {
          rate: pct(figures.errorRate),
          errors: figures.errors,
          launches: figures.launches,
          version: figures.version,
          minutes: figures.windowMinutes,
          max: pct(figures.maxErrorRate),
          min: figures.minLaunches,
        })
      : reason;
}

export function HaltReason({ figures, reason, className, "data-testid": testId }: { figures: HaltFigures | null; reason: string | null; className?: string; "data-testid"?: string }) {
  const text = useHaltText()(figures, reason);
  if (!text) return null;
  return (
    <p className={className} data-testid={testId}>
      {text}
    </p>
  );
}
