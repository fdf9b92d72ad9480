import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { getTwoFactorSetupPageContext, requirePagePermission } from "@/lib/auth/session";
import { twoFactorStatus } from "@/lib/services/two-factor";
import { Card, PageHeader } from "@/components/ui/layout";
import { TwoFactorPanel } from "@/components/settings/two-factor-panel";
import { titled } from "@/lib/i18n/metadata";

// Settings → Security: the one page an organization's requirement of two-factor never holds back (lib/auth/session.ts),
// as it is where a member sets it up.
export default async function SecurityPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ required?: string }> }) {
  const { org } = await params;
  const ctx = await getTwoFactorSetupPageContext(org);
  requirePagePermission(ctx, "account.manage");
  const t = await getTranslations("twoFactor");
  const status = await twoFactorStatus(ctx);
  const heldBack = (await searchParams).required === "1" && status.orgRequires && !status.enabled;
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/settings`} className="text-muted-fg hover:text-fg hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <PageHeader title={t("title")} description={t("description")} />
      {heldBack ? (
        <div role="alert" className="mb-4 rounded-md border border-warning/50 bg-warning-bg px-4 py-3 text-sm text-warning" data-testid="two-factor-required">
          {t("requiredBanner", { org: ctx.org.name })}
        </div>
      ) : (
        status.orgRequires && <p className="mb-4 text-sm text-muted-fg">{t("orgRequires", { org: ctx.org.name })}</p>
      )}
      <div className="max-w-2xl">
        <Card title={t("card")}>
          <TwoFactorPanel org={ctx.org.slug} status={status} />
        </Card>
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "security");
