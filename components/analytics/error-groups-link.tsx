// A link to the error groups of one version (issue 18), from the version, review and assignment pages.
import Link from "next/link";
import { useTranslations } from "next-intl";

export function ErrorGroupsLink({ org, appId, version, hostId, previous, compact }: { org: string; appId: string; version: string; hostId?: string; previous?: boolean; compact?: boolean }) {
  const t = useTranslations("analyticsInsights");
  const qs = new URLSearchParams({ appId, version });
  if (hostId) qs.set("hostId", hostId);
  const label = previous ? t("viewErrorsPrevious", { version }) : t("viewErrors");
  return (
    <Link
      href={`/o/${org}/analytics/errors?${qs}`}
      className={compact ? "text-xs text-muted-fg hover:text-fg hover:underline" : "inline-block text-sm text-primary hover:underline"}
      aria-label={compact ? `${label} ${version}` : undefined}
      data-testid="error-groups-link"
    >
      {label} →
    </Link>
  );
}
