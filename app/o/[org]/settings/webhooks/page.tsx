import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { listEndpointDeliveries, listWebhookDeliveries, listWebhookEndpoints, WEBHOOK_EVENTS } from "@/lib/services/webhooks";
import { Card, PageHeader } from "@/components/ui/layout";
import { kickWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { CreateWebhookForm, DeliveriesTable, EndpointList } from "./webhooks-client";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function WebhooksPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ endpoint?: string | string[] }> }) {
  const { org } = await params;
  const { endpoint } = await searchParams;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "settings.manage");
  const t = await getTranslations("webhooks");
  const endpoints = await listWebhookEndpoints(ctx);
  // The delivery log of one endpoint, or every endpoint's recent deliveries.
  const selected = typeof endpoint === "string" ? endpoints.find((e) => e.id === endpoint) : undefined;
  const deliveries = selected ? await listEndpointDeliveries(ctx, selected.id, { limit: 50 }) : await listWebhookDeliveries(ctx, { limit: 50 });
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
        <section id="deliveries" className="scroll-mt-4">
          <Card title={selected ? t("deliveryLogFor", { url: selected.url }) : t("deliveries")}>
            {selected && (
              <p className="mb-3 text-sm">
                <Link href={`/o/${org}/settings/webhooks#deliveries`} className="text-muted-fg hover:text-fg hover:underline">
                  {t("showAll")}
                </Link>
              </p>
            )}
            <DeliveriesTable org={org} deliveries={deliveries.items} />
          </Card>
        </section>
        <Card title={t("verifyTitle")}>
          <div className="space-y-2 text-sm text-muted-fg">
            <p>{t("verifyBody")}</p>
            <p>{t("retryBody")}</p>
            <p>{t("apiHint")}</p>
          </div>
        </Card>
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "webhooks");
