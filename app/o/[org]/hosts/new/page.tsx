import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/layout";
import { CreateHostForm } from "../host-forms";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function NewHostPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "hosts.manage");
  const t = await getTranslations("hosts");
  return (
    <div className="max-w-3xl">
      <Link href={`/o/${org}/hosts`} className="mb-3 inline-block text-sm text-muted-fg hover:text-fg">
        ← {t("back")}
      </Link>
      <PageHeader title={t("new.title")} description={t("new.description")} />
      <CreateHostForm org={org} />
    </div>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "newHost");
