import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { listMySessions } from "@/lib/services/sessions";
import { Card, PageHeader } from "@/components/ui/layout";
import { SessionList } from "@/components/settings/session-list";
import { titled } from "@/lib/i18n/metadata";

export default async function SessionsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "account.manage");
  const t = await getTranslations("sessions");
  const list = await listMySessions(ctx);
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/settings`} className="text-muted-fg hover:text-fg hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <PageHeader title={t("title")} description={t("description")} />
      <Card title={t("active", { count: list.length })}>
        <SessionList org={org} sessions={list} />
      </Card>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "sessions");
