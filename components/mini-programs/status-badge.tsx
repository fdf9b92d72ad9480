import { useTranslations } from "next-intl";
import type { VersionStatus } from "@/db/enums";
import { Badge } from "@/components/ui/layout";

const TONE = { draft: "neutral", in_review: "info", approved: "success", rejected: "danger", revoked: "warning" } as const;

export function VersionStatusBadge({ status }: { status: VersionStatus }) {
  const t = useTranslations("miniPrograms.status");
  return (
    <span data-testid="version-status" data-status={status}>
      <Badge tone={TONE[status]}>{t(status)}</Badge>
    </span>
  );
}
