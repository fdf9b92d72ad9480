// The inspection's findings, which is what a reviewer weighs; the full report lives on the version page.
import { useTranslations } from "next-intl";
import type { Inspection } from "@/lib/packages/inspect";
import { FindingList } from "@/components/mini-programs/inspection-report";

export function Findings({ inspection }: { inspection: Inspection }) {
  const t = useTranslations("reviews.page");
  const errors = inspection.errors ?? [];
  const warnings = inspection.warnings ?? [];
  if (errors.length === 0 && warnings.length === 0) return <p className="text-sm text-muted-fg">{t("noFindings")}</p>;
  return (
    <div className="space-y-4" data-testid="findings">
      {errors.length > 0 && <FindingList items={errors} tone="danger" />}
      {warnings.length > 0 && (
        <>
          <p className="text-xs text-muted-fg">{t("warningsNote", { count: warnings.length })}</p>
          <FindingList items={warnings} tone="warning" />
        </>
      )}
    </div>
  );
}
