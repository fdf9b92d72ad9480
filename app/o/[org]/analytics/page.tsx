import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { EmptyState, PageHeader } from "@/components/ui/layout";

export default async function AnalyticsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "analytics.view");
  const t = await getTranslations("analytics");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <EmptyState title={t("empty")} />
    </>
  );
}
