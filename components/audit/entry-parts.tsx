// Pieces of an audit entry as a person reads it: the action in words, the object by name, and the change as a
// before → after list. Shared by the audit log and the overview's recent activity (server components).
import Link from "next/link";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { formatBytes } from "@/components/mini-programs/format";
import type { ReactNode } from "react";
import { changeRows, humanizeCode, type ChangeRow } from "@/lib/audit-catalog";
import { DateTime } from "@/components/ui/datetime";
import { useHasMessage } from "@/lib/i18n/has-message";

type Entry = { action: string; objectType: string; objectId: string | null; changes: unknown };
type Ref = { label: string; href: string | null } | undefined;

export function useAuditLabels() {
  const t = useTranslations("audit");
  const has = useHasMessage("audit");
  return {
    action: (a: string) => (has(`actions.${a}`) ? t(`actions.${a}`) : humanizeCode(a)),
    object: (o: string) => (has(`objects.${o}`) ? t(`objects.${o}`) : humanizeCode(o)),
    field: (f: string) => (has(`fields.${f}`) ? t(`fields.${f}`) : humanizeCode(f)),
  };
}

export function ObjectRef({ entry, refInfo, showType = true }: { entry: Entry; refInfo: Ref; showType?: boolean }) {
  const labels = useAuditLabels();
  const type = labels.object(entry.objectType);
  const name = refInfo?.label;
  return (
    <span className="min-w-0 break-words">
      {showType && <span className="text-muted-fg">{type} </span>}
      {name && refInfo?.href ? (
        <Link href={refInfo.href} className="font-medium text-primary hover:underline">
          {name}
        </Link>
      ) : name ? (
        <span className="font-medium">{name}</span>
      ) : entry.objectId ? (
        // Nothing left to name it by: keep the id, which the API and CSV also carry.
        <span className="font-mono text-xs text-muted-fg">{entry.objectId}</span>
      ) : null}
    </span>
  );
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const isEmpty = (v: unknown) => v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);

function Value({ v, field }: { v: unknown; field: string }): ReactNode {
  const t = useTranslations("audit");
  const tr = useTranslations("reviews.page.reasonsCatalog");
  const has = useHasMessage("audit");
  const hasReason = useHasMessage("reviews.page.reasonsCatalog");
  const locale = useLocale();
  const format = useFormatter();
  if (isEmpty(v)) return <span className="text-muted-fg">{t("none")}</span>;
  if (typeof v === "boolean") return t(v ? "yes" : "no");
  if (typeof v === "number") return field === "rolloutPercent" ? `${v}%` : field === "size" ? formatBytes(v, locale) : format.number(v);
  if (typeof v === "string") {
    if (field === "reasons" && hasReason(v)) return tr(v);
    if (ISO_INSTANT.test(v)) return <DateTime value={v} preset="dateTimeZone" />;
    if ((field === "status" || field === "role" || field === "to" || field === "from") && has(`values.${v}`)) return t(`values.${v}`);
    return <span className={field === "sha256" || field.endsWith("Id") || field === "sdkKey" ? "break-all font-mono" : "break-words"}>{v}</span>;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return <span className="text-muted-fg">{t("none")}</span>;
    return v.map((x, i) => (
      <span key={i}>
        {i > 0 && ", "}
        <Value v={x} field={field} />
      </span>
    ));
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    // A version reference ({versionId, version}) reads as its version; a platform row as "ios com.demo.app".
    if (typeof o.version === "string") return <span className="font-mono">{o.version}</span>;
    if (typeof o.platform === "string" && typeof o.identifier === "string") return `${o.platform} ${o.identifier}`;
    return <NestedValue o={o} />;
  }
  return String(v);
}

function NestedValue({ o }: { o: Record<string, unknown> }) {
  const labels = useAuditLabels();
  return Object.entries(o).map(([k, x], i) => (
    <span key={k}>
      {i > 0 && "; "}
      {labels.field(k)}: <Value v={x} field={k} />
    </span>
  ));
}

export function ChangeList({ entry, max = 8 }: { entry: Entry; max?: number }) {
  const labels = useAuditLabels();
  const t = useTranslations("audit");
  const rows: ChangeRow[] = changeRows(entry);
  if (rows.length === 0) return <span className="text-muted-fg">—</span>;
  const shown = rows.slice(0, max);
  return (
    <dl className="space-y-0.5 text-xs" data-testid="audit-changes">
      {shown.map((r) => (
        <div key={r.field} className="flex flex-wrap gap-x-1.5">
          <dt className="text-muted-fg">{labels.field(r.field)}</dt>
          <dd className="min-w-0 break-words">
            {r.kind === "change" ? (
              <>
                {isEmpty(r.before) ? (
                  <Value v={r.before} field={r.field} />
                ) : (
                  <del className="text-muted-fg decoration-muted-fg/60">
                    <Value v={r.before} field={r.field} />
                  </del>
                )}
                <span aria-hidden="true"> → </span>
                <ins className="no-underline">
                  <Value v={r.after} field={r.field} />
                </ins>
              </>
            ) : (
              <Value v={r.value} field={r.field} />
            )}
          </dd>
        </div>
      ))}
      {rows.length > max && <div className="text-muted-fg">{t("more", { count: rows.length - max })}</div>}
    </dl>
  );
}

export function ActorName({ actor }: { actor: { type: string; label: string | null } }) {
  const t = useTranslations("audit");
  if (actor.type === "system" || !actor.label) return <span className="text-muted-fg">{!actor.label || actor.label === "system" ? t("system") : actor.label}</span>;
  return <span className="break-all">{actor.label}</span>;
}
