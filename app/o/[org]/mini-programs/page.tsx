import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DateTime } from "@/components/ui/datetime";
import { getPageContext } from "@/lib/auth/session";
import { can, isCollaboratorScoped } from "@/lib/authz/context";
import { listMiniPrograms, listMiniProgramsFilter, MINI_PROGRAM_CATEGORIES } from "@/lib/services/mini-programs";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/form";
import { Badge, EmptyState, PageHeader, Table } from "@/components/ui/layout";
import { VersionStatusBadge } from "@/components/mini-programs/status-badge";
import { CreateMiniProgram } from "./create-form";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function MiniProgramsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { org } = await params;
  const sp = await searchParams;
  const ctx = await getPageContext(org);
  const t = await getTranslations("miniPrograms");
  const tc = await getTranslations("common");
  const parsed = listMiniProgramsFilter.safeParse({ q: sp.q || undefined, category: sp.category || undefined, status: sp.status || undefined });
  // The console lists what people work on; archived ones (issue 20) are one filter away.
  const filter = { ...(parsed.success ? parsed.data : {}) };
  filter.status ??= "active";
  const filtered = !!(filter.q || filter.category || filter.status !== "active");
  const { items } = await listMiniPrograms(ctx, { limit: 200 }, filter);
  items.sort((a, b) => a.name.localeCompare(b.name));
  const canCreate = can(ctx, "miniPrograms.write");
  const creating = sp.new === "1";
  const categories = MINI_PROGRAM_CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }));
  return (
    <>
      <PageHeader
        title={t("title")}
        description={isCollaboratorScoped(ctx) ? t("descriptionDeveloper") : t("description", { org: ctx.org.name })}
        actions={
          canCreate && !creating ? (
            <ButtonLink href={`/o/${org}/mini-programs?new=1`} variant="primary" data-testid="new-mini-program" scroll={false}>
              {t("create")}
            </ButtonLink>
          ) : undefined
        }
      />
      {canCreate && creating && <CreateMiniProgram org={org} categories={categories} />}
      <form className="mb-4 grid grid-cols-1 gap-2 sm:grid-cols-[1fr_12rem_10rem_auto] md:max-lg:grid-cols-2" role="search" aria-label={t("search")}>
        <Input name="q" type="search" placeholder={t("searchPlaceholder")} aria-label={t("search")} defaultValue={filter.q} maxLength={100} />
        <Select name="category" aria-label={t("category")} defaultValue={filter.category ?? ""}>
          <option value="">{t("allCategories")}</option>
          {categories.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </Select>
        <Select name="status" aria-label={t("lifecycle.filter")} defaultValue={filter.status === "active" ? "" : filter.status} data-testid="status-filter">
          <option value="">{t("lifecycle.filterActive")}</option>
          <option value="archived">{t("lifecycle.filterArchived")}</option>
          <option value="all">{t("lifecycle.filterAll")}</option>
        </Select>
        <div className="flex gap-2">
          <Button type="submit">{tc("filter")}</Button>
          {filtered && (
            <ButtonLink href={`/o/${org}/mini-programs`} variant="ghost">
              {tc("clear")}
            </ButtonLink>
          )}
        </div>
      </form>
      {items.length === 0 ? (
        <EmptyState title={filtered ? t("emptyFiltered") : t("empty")}>{!filtered && canCreate ? t("emptyHintWriter") : null}</EmptyState>
      ) : (
        // One table, rendered once (as the audit log's): a table from lg up, one card per mini-program below it. It
        // was rendered twice, as a list of cards and as a table with CSS hiding one: twice the page's HTML and payload.
        <Table caption={t("title")} stacked>
          <thead>
            <tr>
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("category")}</th>
              <th scope="col">{t("latestVersion")}</th>
              <th scope="col">{t("updated")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id} data-testid={`mini-program-${m.appId}`}>
                <td className="min-w-0 lg:max-w-xs">
                  <Link href={`/o/${org}/mini-programs/${m.appId}`} className="font-medium text-primary hover:underline">
                    {m.name}
                  </Link>
                  <div className="font-mono text-xs text-muted-fg max-lg:truncate">{m.appId}</div>
                  {m.status === "archived" && <Badge tone="warning">{t("lifecycle.archived")}</Badge>}
                </td>
                <td className="max-lg:text-right max-lg:text-xs max-lg:text-muted-fg">{t.has(`categories.${m.category}`) ? t(`categories.${m.category}`) : m.category}</td>
                <td>
                  {m.latestVersion ? (
                    <span className="inline-flex items-center gap-2">
                      <span className="font-mono text-xs">{m.latestVersion.version}</span>
                      <VersionStatusBadge status={m.latestVersion.status} />
                    </span>
                  ) : (
                    <span className="text-xs text-muted-fg">{t("noVersions")}</span>
                  )}
                </td>
                <td className="text-xs text-muted-fg max-lg:self-center max-lg:text-right">
                  <DateTime value={m.latestVersion?.createdAt ?? m.updatedAt} preset="relative" />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "miniPrograms");
