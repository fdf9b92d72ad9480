import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { HostTabs } from "@/components/hosts/host-tabs";
import { HostStatusBadge, PlatformBadges } from "@/components/hosts/platform-badges";
import { loadHostPage } from "./data";

export default async function HostLayout({ children, params }: { children: React.ReactNode; params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  const { host } = await loadHostPage(org, hostId);
  const t = await getTranslations("hosts");
  const base = `/o/${org}/hosts/${host.id}`;
  return (
    <>
      <Link href={`/o/${org}/hosts`} className="mb-3 inline-block text-sm text-muted-fg hover:text-fg">
        ← {t("back")}
      </Link>
      <div className="mb-4 flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="min-w-0 break-words text-xl font-semibold tracking-tight">{host.name}</h1>
          <HostStatusBadge status={host.status} />
        </div>
        <PlatformBadges platforms={host.platforms} />
      </div>
      <HostTabs base={base} />
      {children}
    </>
  );
}
