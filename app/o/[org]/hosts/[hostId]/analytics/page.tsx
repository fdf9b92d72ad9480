import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { can } from "@/lib/authz/context";
import { AnalyticsDashboard } from "@/components/analytics/dashboard";
import { loadHostPage } from "../data";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";

export default async function HostAnalyticsPage({ params }: { params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  const { ctx, host } = await loadHostPage(org, hostId);
  if (!can(ctx, "analytics.view")) notFound();
  const t = await getTranslations("analytics");
  return (
    <Suspense fallback={<p className="text-sm text-muted-fg">{t("loading")}</p>}>
      <AnalyticsDashboard org={org} fixed={{ hostId: host.id }} />
    </Suspense>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; hostId: string }> }): Promise<Metadata> {
  const { org, hostId } = await params;
  const section = (await getTranslations("hosts.tabs"))("analytics");
  return titledObject(async () => (await getTranslations("meta"))("hostSection", { section, host: (await loadHostPage(org, hostId)).host.name }), { namespace: "hosts.tabs", key: "analytics" });
}
