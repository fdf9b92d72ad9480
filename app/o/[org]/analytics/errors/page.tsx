import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import type { Metadata } from "next";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/layout";
import { AnalyticsTabs, ErrorGroupsView } from "@/components/analytics/insights";
import { titled } from "@/lib/i18n/metadata";

export default async function AnalyticsErrorsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "analytics.view");
  const t = await getTranslations("analyticsInsights");
  return (
    <>
      <PageHeader title={t("errorsTitle")} description={t("errorsDescription")} />
      {/* Filters live in the URL: the version, review and assignment pages link here with appId and version. */}
      <Suspense fallback={<p className="text-sm text-muted-fg">{t("loading")}</p>}>
        <AnalyticsTabs org={org} current="errors" />
        <ErrorGroupsView org={org} />
      </Suspense>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("analyticsInsights", "errorsTitle");
