"use client";
// The analytics dashboard as a section of another page (a host, a mini-program, a version): the page's
// object is a fixed filter, the rest (range, platform, …) stays in the viewer's hands.
import { useTranslations } from "next-intl";
import { Suspense } from "react";
import { AnalyticsDashboard } from "./dashboard";

export function ScopedAnalytics({ org, hostId, appId, version }: { org: string; hostId?: string; appId?: string; version?: string }) {
  const t = useTranslations("analytics");
  const fixed = { ...(hostId ? { hostId } : {}), ...(appId ? { appId } : {}), ...(version ? { version } : {}) };
  return (
    <section aria-labelledby="analytics-heading" className="space-y-3">
      <h2 id="analytics-heading" className="text-base font-semibold">
        {version ? t("scoped.version", { version }) : t("scoped.title")}
      </h2>
      <Suspense fallback={<p className="text-sm text-muted-fg">{t("loading")}</p>}>
        <AnalyticsDashboard org={org} fixed={fixed} />
      </Suspense>
    </section>
  );
}
