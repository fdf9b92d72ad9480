import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { isCollaboratorScoped } from "@/lib/authz/context";
import { listTokens } from "@/lib/services/tokens";
import { Card, PageHeader } from "@/components/ui/layout";
import { CreateTokenForm, TokensTable } from "./tokens-client";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function TokensPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "tokens.manage");
  const t = await getTranslations("tokens");
  const tr = await getTranslations("apiReference");
  const tokens = await listTokens(ctx);
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <Link
            href={`/o/${org}/api-reference`}
            title={tr("linkHint")}
            className="inline-flex h-9 items-center rounded-md border border-border px-3 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2"
          >
            {tr("link")}
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title={t("create")}>
          <CreateTokenForm org={org} developerOnly={isCollaboratorScoped(ctx)} />
        </Card>
        <TokensTable
          org={org}
          tokens={tokens.map((k) => ({
            id: k.id,
            name: k.name,
            scope: k.scope,
            hint: k.hint,
            userEmail: k.userEmail,
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            expiresAt: k.expiresAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          }))}
        />
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "tokens");
