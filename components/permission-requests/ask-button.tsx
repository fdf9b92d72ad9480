"use client";
// "Ask the host's admins for …" (CONTRACT §12): shown where a version does not fit a host's policy, prefilled with
// what the policy lacks (the refusal's permission and domain reasons); one click creates the request.
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { createPermissionRequestAction } from "@/lib/actions/permission-requests";
import type { ReasonLike } from "@/components/assignments/reasons";
import type { Permission } from "@/lib/packages/catalog";

/** What a refusal says the policy lacks: its permissions and domains (the SDK minimum is not requestable). */
export function missingOf(reasons: ReasonLike[]): { permissions: string[]; domains: string[] } {
  const permissions = new Set<string>();
  const domains = new Set<string>();
  for (const r of reasons) {
    if (r.code === "permission_not_allowed" && typeof r.permission === "string") permissions.add(r.permission);
    if (r.code === "domain_not_allowed" && typeof r.domain === "string") domains.add(r.domain);
  }
  return { permissions: [...permissions], domains: [...domains] };
}

export function AskForPolicy({ org, hostId, hostName, appId, reasons }: { org: string; hostId: string; hostName: string; appId: string; reasons: ReasonLike[] }) {
  const t = useTranslations("permissionRequests.ask");
  const uid = useId();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [reason, setReason] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const missing = missingOf(reasons);
  const items = [...missing.permissions, ...missing.domains];
  if (items.length === 0) return <p className="text-xs text-muted-fg">{t("nothing")}</p>;
  const key = `${hostId}|${appId}|${items.join(",")}`;
  if (sent === key) {
    return (
      <p role="status" className="text-sm text-success" data-testid="permission-request-sent">
        {t("sent", { host: hostName })}
      </p>
    );
  }
  return (
    <div className="space-y-2 rounded-md border border-border bg-muted/40 px-3 py-3" data-testid="ask-for-policy">
      <p className="text-xs text-muted-fg">{t("intro")}</p>
      <FormError message={Object.keys(fieldErrors).length ? Object.values(fieldErrors).flat().join(" ") : error?.message} />
      <Field id={`${uid}-reason`} label={t("reason")}>
        <Textarea
          id={`${uid}-reason`}
          rows={2}
          maxLength={1000}
          value={reason}
          placeholder={t("reasonPlaceholder")}
          disabled={pending}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <Button
        variant="primary"
        disabled={pending}
        className="h-auto whitespace-normal break-all py-1.5 text-left"
        onClick={() => run(() => createPermissionRequestAction(org, { hostId, appId, permissions: missing.permissions as Permission[], domains: missing.domains, reason }), () => setSent(key))}
      >
        {t("button", { items: items.join(", ") })}
      </Button>
    </div>
  );
}
