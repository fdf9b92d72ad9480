import { useTranslations } from "next-intl";
import type { HostPlatform } from "@/db/enums";
import { Badge } from "@/components/ui/layout";

export function PlatformBadges({ platforms }: { platforms: HostPlatform[] }) {
  const t = useTranslations("hosts.platformName");
  return (
    <span className="inline-flex flex-wrap gap-1">
      {platforms.map((p) => (
        <Badge key={p.platform}>{t(p.platform)}</Badge>
      ))}
    </span>
  );
}

export function HostStatusBadge({ status }: { status: "active" | "disabled" }) {
  const t = useTranslations("common");
  return status === "active" ? <Badge tone="success">{t("statusActive")}</Badge> : <Badge tone="warning">{t("statusDisabled")}</Badge>;
}
