import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { ReleaseForm } from "@/components/releases/release-form";
import { Card, PageHeader } from "@/components/ui/layout";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { titled } from "@/lib/i18n/metadata";
import { releaseFormOptions } from "@/lib/services/releases";

export default async function NewReleasePage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "assignments.manage");
  const t = await getTranslations("releases");
  const options = await releaseFormOptions(ctx);
  return (
    <>
      <Link href={`/o/${org}/releases`} className="mb-4 inline-block text-sm text-muted-fg hover:text-fg">
        ← {t("detail.back")}
      </Link>
      <PageHeader title={t("form.title")} description={t("description")} />
      <Card>
        <ReleaseForm org={org} options={options} />
      </Card>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("releases", "form.title");
