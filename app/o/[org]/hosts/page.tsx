import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DateTime } from "@/components/ui/datetime";
import { PLATFORMS } from "@/db/schema";
import { getPageContext } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { hostListFilterSchema, listHosts, type HostListFilter } from "@/lib/services/hosts";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/form";
import { EmptyState, PageHeader, Table } from "@/components/ui/layout";
import { HostStatusBadge, PlatformBadges } from "@/components/hosts/platform-badges";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

type SearchParams = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function HostsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<SearchParams> }) {
  const { org } = await params;
  const sp = await searchParams;
  const ctx = await getPageContext(org);
  const t = await getTranslations("hosts");
  const tc = await getTranslations("common");

  // A hand-edited URL with a bad filter shows everything rather than an error page.
  const parsed = hostListFilterSchema.safeParse({ q: one(sp.q), platform: one(sp.platform), status: one(sp.status) });
  const filter: HostListFilter = parsed.success ? parsed.data : {};
  let page;
  try {
    page = await listHosts(ctx, { limit: 50, cursor: one(sp.cursor) }, filter);
  } catch (e) {
    if (!(e instanceof AppError && e.code === "invalid_input")) throw e;
    page = await listHosts(ctx, { limit: 50 }, filter);
  }
  const filtered = Boolean(filter.q || filter.platform || filter.status);
  const canManage = can(ctx, "hosts.manage");
  const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  const nextHref = page.nextCursor ? `?${new URLSearchParams({ ...Object.fromEntries(qs), cursor: page.nextCursor })}` : null;
  const base = `/o/${org}/hosts`;

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          canManage && (
            <ButtonLink href={`${base}/new`} variant="primary">
              {t("register")}
            </ButtonLink>
          )
        }
      />
      <form role="search" aria-label={t("title")} className="mb-4 grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-center">
        <Input name="q" type="search" defaultValue={filter.q} placeholder={t("search")} aria-label={t("search")} className="col-span-2 sm:w-64" />
        <Select name="platform" defaultValue={filter.platform ?? ""} aria-label={t("platformFilter")} className="sm:w-44">
          <option value="">{t("allPlatforms")}</option>
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {t(`platformName.${p}`)}
            </option>
          ))}
        </Select>
        <Select name="status" defaultValue={filter.status ?? ""} aria-label={t("statusFilter")} className="sm:w-40">
          <option value="">{t("allStatuses")}</option>
          <option value="active">{tc("statusActive")}</option>
          <option value="disabled">{tc("statusDisabled")}</option>
        </Select>
        <div className="col-span-2 flex gap-2">
          <Button type="submit">{tc("filter")}</Button>
          {filtered && (
            <ButtonLink href={base} variant="ghost">
              {tc("clear")}
            </ButtonLink>
          )}
        </div>
      </form>

      {page.items.length === 0 ? (
        <EmptyState title={filtered ? t("emptyFiltered") : t("empty")}>
          {!filtered && canManage && (
            <>
              <p>{t("emptyManage")}</p>
              <ButtonLink href={`${base}/new`} variant="primary" className="mt-3">
                {t("register")}
              </ButtonLink>
            </>
          )}
        </EmptyState>
      ) : (
        <>
          {/* One table, rendered once: a table from lg up, one card per host app below it. */}
          <Table caption={t("title")} stacked>
            <thead>
              <tr>
                <th scope="col">{t("name")}</th>
                <th scope="col">{t("platforms")}</th>
                <th scope="col">{t("status")}</th>
                <th scope="col">{t("sdkKey")}</th>
                <th scope="col">{t("updated")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((h) => (
                <tr key={h.id} data-testid={`host-row-${h.id}`}>
                  <td className="min-w-0 max-lg:order-1">
                    <Link href={`${base}/${h.id}`} className="font-medium text-primary hover:underline">
                      {h.name}
                    </Link>
                    {h.description && <div className="truncate text-xs text-muted-fg lg:max-w-72">{h.description}</div>}
                  </td>
                  <td className="max-lg:order-3 max-lg:col-span-2">
                    <PlatformBadges platforms={h.platforms} />
                  </td>
                  <td className="max-lg:order-2 max-lg:text-right">
                    <HostStatusBadge status={h.status} />
                  </td>
                  <td className="font-mono text-xs max-lg:order-4 max-lg:col-span-2 max-lg:truncate max-lg:text-muted-fg">{h.sdkKey}</td>
                  <td className="whitespace-nowrap text-xs text-muted-fg max-lg:hidden">
                    <DateTime value={h.updatedAt} preset="date" />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          {(nextHref || one(sp.cursor)) && (
            <div className="mt-4 flex gap-2">
              {one(sp.cursor) && (
                <ButtonLink href={`?${qs}`} variant="ghost">
                  {tc("first")}
                </ButtonLink>
              )}
              {nextHref && <ButtonLink href={nextHref}>{tc("next")}</ButtonLink>}
            </div>
          )}
        </>
      )}
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "hosts");
