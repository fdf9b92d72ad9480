import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { listNotifications } from "@/lib/services/notifications";
import { mailEnabled } from "@/lib/notifications/mailer";
import { PageHeader } from "@/components/ui/layout";
import { NotificationList } from "@/components/notifications/notification-list";

export default async function NotificationsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("notifications");
  const { items } = await listNotifications(ctx, { limit: 100 });
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {mailEnabled() && <p className="mb-4 text-sm text-muted-fg">{t("emailOn")}</p>}
      <NotificationList org={org} items={items} />
    </>
  );
}

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("notifications"))("title") };
}
