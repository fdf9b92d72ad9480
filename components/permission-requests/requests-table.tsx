// Permission requests as a list that reads on any width: what was asked, of which host (or for which mini-program),
// by whom, and where it stands, with the decision's comment (CONTRACT §12).
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/layout";
import { DateTime } from "@/components/ui/datetime";
import type { PermissionRequestJson } from "@/lib/services/permission-requests";

const STATUS_TONE = { pending: "warning", approved: "success", rejected: "danger" } as const;

export function RequestStatusBadge({ status }: { status: PermissionRequestJson["status"] }) {
  const t = useTranslations("permissionRequests.statusNames");
  return (
    <span data-testid="request-status" data-status={status}>
      <Badge tone={STATUS_TONE[status]}>{t(status)}</Badge>
    </span>
  );
}

export function AskedItems({ r }: { r: Pick<PermissionRequestJson, "permissions" | "domains"> }) {
  return (
    <span className="flex flex-wrap gap-1">
      {[...r.permissions, ...r.domains].map((x) => (
        <code key={x} className="break-all rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
          {x}
        </code>
      ))}
    </span>
  );
}

export function RequestsTable({ items, subject, org }: { items: PermissionRequestJson[]; subject: "host" | "miniProgram"; org: string }) {
  const t = useTranslations("permissionRequests");
  return (
    <ul className="space-y-2" data-testid="permission-requests">
      {items.map((r) => (
        <li key={r.id} className="space-y-1.5 rounded-lg border border-border bg-card p-3 text-sm" data-testid={`permission-request-${r.id}`}>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span className="min-w-0 break-words font-medium">
              {subject === "host" ? (
                <Link href={`/o/${org}/hosts/${r.hostId}`} className="underline underline-offset-2">
                  {r.hostName ?? r.hostId}
                </Link>
              ) : (
                <Link href={`/o/${org}/mini-programs/${r.appId}`} className="underline underline-offset-2">
                  {r.appId}
                </Link>
              )}
            </span>
            <RequestStatusBadge status={r.status} />
          </div>
          <AskedItems r={r} />
          <p className="break-words text-xs text-muted-fg">
            {r.reason || t("noReason")} · {t("requestedBy", { who: r.requestedBy ?? "—" })} · <DateTime value={r.createdAt} preset="relative" />
          </p>
          {r.status !== "pending" && (
            <p className="break-words text-xs" data-testid="request-decision">
              {r.comment && <span className="whitespace-pre-line">“{r.comment}” — </span>}
              <span className="text-muted-fg">{r.decidedBy ?? "—"}</span>
              {r.decidedAt && (
                <>
                  <span className="text-muted-fg">, </span>
                  <DateTime value={r.decidedAt} preset="relative" className="text-muted-fg" />
                </>
              )}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
