import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { auditFilterSchema, listAudit } from "@/lib/services/audit";
import { auditObjectKey, describeAuditObjects } from "@/lib/services/audit-objects";
import { Badge, EmptyState, PageHeader, Table } from "@/components/ui/layout";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input } from "@/components/ui/form";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function AuditPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { org } = await params;
  const sp = await searchParams;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "audit.view");
  const t = await getTranslations("audit");
  const tc = await getTranslations("common");
  const format = await getFormatter();
  const parsed = auditFilterSchema.safeParse({
    actor: sp.actor || undefined,
    action: sp.action || undefined,
    objectType: sp.objectType || undefined,
    from: sp.from || undefined,
    to: sp.to || undefined,
  });
  const filter = parsed.success ? parsed.data : {};
  const page = await listAudit(ctx, filter, { limit: 50, cursor: sp.cursor || undefined });
  const objects = await describeAuditObjects(ctx, page.items);
  const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  const nextHref = page.nextCursor ? `?${new URLSearchParams({ ...Object.fromEntries(qs), cursor: page.nextCursor })}` : null;
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description", { org: ctx.org.name })}
        actions={
          <ButtonLink href={`/o/${org}/audit/export?${qs}`} prefetch={false}>
            {tc("exportCsv")}
          </ButtonLink>
        }
      />
      <form className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6" role="search">
        <Input name="actor" placeholder={t("actor")} aria-label={t("actor")} defaultValue={filter.actor} />
        <Input name="action" placeholder={t("action")} aria-label={t("action")} defaultValue={filter.action} />
        <Input name="objectType" placeholder={t("objectType")} aria-label={t("objectType")} defaultValue={filter.objectType} />
        <Input name="from" type="date" aria-label={t("from")} defaultValue={filter.from} />
        <Input name="to" type="date" aria-label={t("to")} defaultValue={filter.to} />
        <div className="flex gap-2">
          <Button type="submit" variant="primary">
            {tc("filter")}
          </Button>
          <ButtonLink href={`/o/${org}/audit`} variant="ghost">
            {tc("clear")}
          </ButtonLink>
        </div>
      </form>
      {page.items.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <Table caption={t("title")}>
          <thead>
            <tr>
              <th scope="col">{t("at")}</th>
              <th scope="col">{t("actor")}</th>
              <th scope="col">{t("action")}</th>
              <th scope="col">{t("object")}</th>
              <th scope="col">{t("changes")}</th>
              <th scope="col">{t("ip")}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => {
              const ref = e.objectId ? objects.get(auditObjectKey(e.objectType, e.objectId)) : undefined;
              return (
              <tr key={e.id}>
                <td className="whitespace-nowrap text-xs">
                  <time dateTime={e.at}>{format.dateTime(new Date(e.at), "dateTimeSecondsZone")}</time>
                </td>
                <td className="max-w-48 truncate">
                  {e.actor.label} {e.actor.type !== "user" && <Badge>{e.actor.type}</Badge>}
                </td>
                <td>
                  <code className="rounded bg-muted px-1 text-xs">{e.action}</code>
                </td>
                <td className="text-xs">
                  <div>
                    {ref?.href ? (
                      <Link href={ref.href} className="text-primary hover:underline">
                        {ref.label}
                      </Link>
                    ) : (
                      (ref?.label ?? e.objectType)
                    )}
                  </div>
                  <div className="font-mono text-muted-fg" title={e.objectId ?? undefined}>
                    {ref ? `${e.objectType} · ${e.objectId}` : e.objectId}
                  </div>
                </td>
                <td className="max-w-72 truncate font-mono text-xs text-muted-fg" title={e.changes ? JSON.stringify(e.changes) : ""}>
                  {e.changes ? JSON.stringify(e.changes) : "—"}
                </td>
                <td className="text-xs">{e.ip ?? "—"}</td>
              </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      <div className="mt-4 flex gap-2">
        {sp.cursor && <ButtonLink href={`?${qs}`}>{tc("first")}</ButtonLink>}
        {nextHref && <Link className="text-sm text-primary underline" href={nextHref}>{tc("next")}</Link>}
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "audit");
