import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { isCollaboratorScoped } from "@/lib/authz/context";
import { PageHeader } from "@/components/ui/layout";
import { AnalyticsDashboard } from "@/components/analytics/dashboard";
import { AnalyticsTabs } from "@/components/analytics/insights";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function AnalyticsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "analytics.view");
  const t = await getTranslations("analytics");
  return (
    <>
      <PageHeader title={t("title")} description={isCollaboratorScoped(ctx) ? t("descriptionDeveloper") : t("description")} />
      {/* The dashboard reads its range and filters from the URL. */}
      <Suspense fallback={<p className="text-sm text-muted-fg">{t("loading")}</p>}>
        <AnalyticsTabs org={org} current="overview" />
        <AnalyticsDashboard org={org} />
      </Suspense>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "analytics");
