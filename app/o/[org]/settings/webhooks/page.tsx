import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { listWebhookDeliveries, listWebhookEndpoints, WEBHOOK_EVENTS } from "@/lib/services/webhooks";
import { Card, PageHeader } from "@/components/ui/layout";
import { kickWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { CreateWebhookForm, DeliveriesTable, EndpointList } from "./webhooks-client";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function WebhooksPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "settings.manage");
  const t = await getTranslations("webhooks");
  const [endpoints, deliveries] = await Promise.all([listWebhookEndpoints(ctx), listWebhookDeliveries(ctx, { limit: 50 })]);
  // After a restart, pending retries wait for the in-process dispatcher; looking at them starts it.
  if (deliveries.items.some((d) => d.status === "pending")) kickWebhookDispatcher();
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/settings`} className="text-muted-fg hover:text-fg hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-6">
        <Card title={t("add")}>
          <CreateWebhookForm org={org} events={WEBHOOK_EVENTS} />
        </Card>
        <Card title={t("endpoints")}>
          <EndpointList org={org} endpoints={endpoints} />
        </Card>
        <Card title={t("deliveries")}>
          <DeliveriesTable org={org} deliveries={deliveries.items} />
        </Card>
        <Card title={t("verifyTitle")}>
          <div className="space-y-2 text-sm text-muted-fg">
            <p>{t("verifyBody")}</p>
            <p>{t("retryBody")}</p>
          </div>
        </Card>
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "webhooks");
