"use client";
// A host's pending permission requests, for its owners and admins: approve (the policy widens at once) or reject
// with a comment the developer reads (CONTRACT §12). A request someone else decided meanwhile answers 409.
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { DateTime } from "@/components/ui/datetime";
import { Field, FormError, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { approvePermissionRequestAction, rejectPermissionRequestAction } from "@/lib/actions/permission-requests";
import type { PermissionRequestJson } from "@/lib/services/permission-requests";
import { AskedItems } from "./requests-table";

export function PendingRequests({ org, items }: { org: string; items: PermissionRequestJson[] }) {
  const t = useTranslations("permissionRequests");
  if (items.length === 0) return <p className="text-sm text-muted-fg">{t("noPending")}</p>;
  return (
    <ul className="space-y-3" data-testid="pending-requests">
      {items.map((r) => (
        <PendingRequest key={r.id} org={org} r={r} />
      ))}
    </ul>
  );
}

function PendingRequest({ org, r }: { org: string; r: PermissionRequestJson }) {
  const t = useTranslations("permissionRequests");
  const uid = useId();
  const { pending, error, run } = useOrgAction();
  const [comment, setComment] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const [missingComment, setMissingComment] = useState(false);
  return (
    <li className="space-y-2 rounded-lg border border-border bg-card p-3 text-sm" data-testid={`pending-request-${r.id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <Link href={`/o/${org}/mini-programs/${r.appId}`} className="min-w-0 break-all font-medium underline underline-offset-2">
          {r.appId}
        </Link>
        <span className="text-xs text-muted-fg">
          {t("requestedBy", { who: r.requestedBy ?? "—" })} · <DateTime value={r.createdAt} preset="relative" />
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs font-medium text-muted-fg">{t("asked")}</span>
        <AskedItems r={r} />
      </div>
      <p className="whitespace-pre-line break-words">{r.reason || <span className="text-muted-fg">{t("noReason")}</span>}</p>
      <FormError message={error?.message} />
      <Field id={`${uid}-comment`} label={rejecting ? t("comment") : t("commentOptional")} error={missingComment ? t("rejectCommentRequired") : undefined}>
        <Textarea id={`${uid}-comment`} rows={2} maxLength={1000} value={comment} disabled={pending} onChange={(e) => setComment(e.target.value)} />
      </Field>
      <div className="flex flex-wrap gap-2">
        {!rejecting ? (
          <>
            <Button variant="primary" disabled={pending} onClick={() => run(() => approvePermissionRequestAction(org, { id: r.id, comment }))}>
              {t("approve")}
            </Button>
            <Button variant="danger" disabled={pending} onClick={() => setRejecting(true)}>
              {t("reject")}
            </Button>
          </>
        ) : (
          <>
            <Button
              variant="danger"
              disabled={pending}
              onClick={() => {
                if (!comment.trim()) return setMissingComment(true);
                setMissingComment(false);
                run(() => rejectPermissionRequestAction(org, { id: r.id, comment }));
              }}
            >
              {t("rejectConfirm")}
            </Button>
            <Button disabled={pending} onClick={() => (setRejecting(false), setMissingComment(false))}>
              {t("cancel")}
            </Button>
          </>
        )}
      </div>
    </li>
  );
}
