import type { Metadata } from "next";
import { Suspense } from "react";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import type { OrgContext } from "@/lib/authz/context";
import { auditFilterSchema, listAudit, type AuditFilter } from "@/lib/services/audit";
import { auditObjectKey, describeAuditObjects } from "@/lib/services/audit-objects";
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from "@/lib/audit-catalog";
import { titled } from "@/lib/i18n/metadata";
import { ActorName, ChangeList, ObjectRef, useAuditLabels } from "@/components/audit/entry-parts";
import { Badge, EmptyState, PageHeader, Table } from "@/components/ui/layout";
import { Button, ButtonLink } from "@/components/ui/button";
import { DateTime } from "@/components/ui/datetime";
import { LoadingCard } from "@/components/ui/loading-card";
import { Field, Input, Select } from "@/components/ui/form";

type Item = Awaited<ReturnType<typeof listAudit>>["items"][number];
type Refs = Awaited<ReturnType<typeof describeAuditObjects>>;

export default async function AuditPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { org } = await params;
  const sp = await searchParams;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "audit.view");
  const t = await getTranslations("audit");
  const tc = await getTranslations("common");
  const parsed = auditFilterSchema.safeParse({
    actor: sp.actor || undefined,
    action: sp.action || undefined,
    objectType: sp.objectType || undefined,
    from: sp.from || undefined,
    to: sp.to || undefined,
  });
  const filter = parsed.success ? parsed.data : {};
  const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
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
      <AuditFilters org={org} filter={filter} />
      {/* The entries (a read, then 50 rows to render: most of the page's work) stream in behind the header and the
          filters, so those are on screen at once; keyed by the query so a new filter or page shows the loading card. */}
      <Suspense key={`${qs}|${sp.cursor ?? ""}`} fallback={<LoadingCard title={t("title")} testId="audit-loading" />}>
        <AuditEntries ctx={ctx} filter={filter} qs={qs} cursor={sp.cursor || undefined} />
      </Suspense>
    </>
  );
}

async function AuditEntries({ ctx, filter, qs, cursor }: { ctx: OrgContext; filter: AuditFilter; qs: URLSearchParams; cursor?: string }) {
  const t = await getTranslations("audit");
  const tc = await getTranslations("common");
  const page = await listAudit(ctx, filter, { limit: 50, cursor });
  const objects = await describeAuditObjects(ctx, page.items);
  const nextHref = page.nextCursor ? `?${new URLSearchParams({ ...Object.fromEntries(qs), cursor: page.nextCursor })}` : null;
  return (
    <>
      {page.items.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        // One table, rendered once: a table on wide screens, one card per entry below lg with every part visible and
        // nothing scrolling sideways. (It was rendered twice, as cards and as a table with CSS hiding one: twice the
        // HTML and the page's payload, about 386 KB for 50 entries, and the audit log the slowest page to its first byte.)
        <Table caption={t("title")} stacked testId="audit-table">
          <colgroup>
            <col className="w-44" />
            <col className="w-48" />
            <col />
            <col />
            <col className="w-32" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">{t("at")}</th>
              <th scope="col">{t("actor")}</th>
              <th scope="col">{t("action")}</th>
              <th scope="col">{t("changes")}</th>
              <th scope="col">{t("ip")}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <AuditRow key={e.id} e={e} refs={objects} />
            ))}
          </tbody>
        </Table>
      )}
      <div className="mt-4 flex gap-2">
        {cursor && <ButtonLink href={`?${qs}`}>{tc("first")}</ButtonLink>}
        {nextHref && (
          <ButtonLink href={nextHref} variant="ghost">
            {tc("next")}
          </ButtonLink>
        )}
      </div>
    </>
  );
}

function AuditFilters({ org, filter }: { org: string; filter: { actor?: string; action?: string; objectType?: string; from?: string; to?: string } }) {
  const labels = useAuditLabels();
  const t = useTranslations("audit");
  const tc = useTranslations("common");
  // Options grouped by what they act on, in the catalog's order; a filter from an old link keeps its value.
  const groups = new Map<string, string[]>();
  for (const a of AUDIT_ACTIONS) groups.set(a.split(".")[0]!, [...(groups.get(a.split(".")[0]!) ?? []), a]);
  const known = (AUDIT_ACTIONS as readonly string[]).includes(filter.action ?? "");
  return (
    <form className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-[1fr_1fr_1fr_10rem_10rem_auto] lg:items-end" role="search" aria-label={t("filters")}>
      <div className="col-span-2 lg:col-span-1">
        <Field id="audit-actor" label={t("actor")}>
        <Input id="audit-actor" name="actor" type="search" placeholder={t("anyone")} defaultValue={filter.actor} />
      </Field>
      </div>
      <div className="col-span-2 lg:col-span-1">
        <Field id="audit-action" label={t("action")}>
        <Select id="audit-action" name="action" defaultValue={filter.action ?? ""}>
          <option value="">{t("allActions")}</option>
          {!known && filter.action && <option value={filter.action}>{filter.action}</option>}
          {[...groups].map(([group, actions]) => (
            <optgroup key={group} label={labels.object(groupObject(group))}>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {labels.action(a)}
                </option>
              ))}
            </optgroup>
          ))}
        </Select>
      </Field>
      </div>
      <div className="col-span-2 lg:col-span-1">
        <Field id="audit-object" label={t("objectType")}>
        <Select id="audit-object" name="objectType" defaultValue={filter.objectType ?? ""}>
          <option value="">{t("allObjects")}</option>
          {AUDIT_OBJECT_TYPES.map((o) => (
            <option key={o} value={o}>
              {labels.object(o)}
            </option>
          ))}
        </Select>
      </Field>
      </div>
      <Field id="audit-from" label={t("fromUtc")}>
        <Input id="audit-from" name="from" type="date" defaultValue={filter.from} />
      </Field>
      <Field id="audit-to" label={t("toUtc")}>
        <Input id="audit-to" name="to" type="date" defaultValue={filter.to} />
      </Field>
      <div className="col-span-2 flex gap-2 lg:col-span-1">
        <Button type="submit" variant="primary">
          {tc("filter")}
        </Button>
        <ButtonLink href={`/o/${org}/audit`} variant="ghost">
          {tc("clear")}
        </ButtonLink>
      </div>
    </form>
  );
}

// The action prefixes that name their object differently.
const groupObject = (group: string) => ({ host: "host_app", token: "api_token", webhook: "webhook_endpoint", collaborator: "mini_program" })[group] ?? group;

function ActorCell({ e }: { e: Item }) {
  const t = useTranslations("audit");
  return (
    <>
      <ActorName actor={e.actor} />
      {e.actor.type === "token" && <Badge>{t("token")}</Badge>}
      {e.actor.type === "sdk" && <Badge>{t("sdk")}</Badge>}
    </>
  );
}

// Below lg the row is a card: the action and its object first with the time beside them, then the changes, then who
// (and from where), each labelled; the cells keep the table's order for a screen reader.
function AuditRow({ e, refs }: { e: Item; refs: Refs }) {
  const labels = useAuditLabels();
  const t = useTranslations("audit");
  const ref = e.objectId ? refs.get(auditObjectKey(e.objectType, e.objectId)) : undefined;
  return (
    <tr className="align-top" data-testid="audit-row">
      <td className="text-xs max-lg:order-2 max-lg:text-right max-lg:text-muted-fg">
        <DateTime value={e.at} preset="dateTimeSecondsZone" />
      </td>
      <td className="text-xs max-lg:order-4 max-lg:col-span-2 max-lg:text-muted-fg">
        <span className="lg:hidden">{t("actor")}: </span>
        <ActorCell e={e} />
      </td>
      <td className="max-lg:order-1">
        <div className="font-medium">{labels.action(e.action)}</div>
        <div className="text-xs">
          <ObjectRef entry={e} refInfo={ref} />
        </div>
      </td>
      <td className="max-lg:order-3 max-lg:col-span-2">
        <ChangeList entry={e} />
      </td>
      <td className={`break-all font-mono text-xs max-lg:order-5 max-lg:col-span-2 max-lg:text-muted-fg ${e.ip ? "" : "max-lg:hidden"}`}>
        <span className="font-sans lg:hidden">{t("ip")}: </span>
        {e.ip ?? "—"}
      </td>
    </tr>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "audit");
