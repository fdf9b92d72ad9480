"use client";
// A person's active sessions: which device, from where, when last seen, how they signed in; sign out one, or all but
// this one.
import { useTranslations } from "next-intl";
import type { SessionJson } from "@/lib/services/sessions";
import { revokeOtherSessionsAction, revokeSessionAction } from "@/lib/actions/sessions";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { DateTime } from "@/components/ui/datetime";
import { FormError } from "@/components/ui/form";
import { Badge } from "@/components/ui/layout";
import { Button } from "@/components/ui/button";
import { useOrgAction } from "@/components/use-org-action";

export function SessionList({ org, sessions }: { org: string; sessions: SessionJson[] }) {
  const t = useTranslations("sessions");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="space-y-4">
      <FormError message={error?.message} />
      <ul className="divide-y divide-border rounded-lg border border-border" data-testid="sessions">
        {sessions.map((s) => {
          const device = [s.device.browser, s.device.os].filter(Boolean).join(t("on")) || t("unknownDevice");
          return (
            <li key={s.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between" data-testid={s.current ? "session-current" : "session"}>
              <div className="min-w-0 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{device}</span>
                  {s.device.mobile && <Badge>{t("mobile")}</Badge>}
                  {s.current && <Badge tone="success">{t("thisDevice")}</Badge>}
                </div>
                <p className="text-sm text-muted-fg">
                  {s.method === "sso" ? t("viaSso", { org: s.ssoOrganization ?? "—" }) : t("viaPassword")}
                  {" · "}
                  {t("address")} <span className="font-mono">{s.ip ?? "—"}</span>
                </p>
                <p className="text-xs text-muted-fg">
                  {t("lastSeen")} <DateTime value={s.lastSeenAt} preset="relative" /> · {t("signedIn")} <DateTime value={s.createdAt} />
                </p>
              </div>
              {!s.current && (
                <Button size="sm" disabled={pending} onClick={() => run(() => revokeSessionAction(org, { sessionId: s.id }))} aria-label={t("signOutDevice", { device })}>
                  {t("signOut")}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <ConfirmButton
          label={t("signOutOthers")}
          title={t("signOutOthersTitle")}
          body={t("signOutOthersBody", { count: others })}
          confirmLabel={t("signOutOthers")}
          cancelLabel={tc("cancel")}
          disabled={pending || others === 0}
          size="md"
          onConfirm={() => run(() => revokeOtherSessionsAction(org, {}))}
        />
        {others === 0 && <span className="text-sm text-muted-fg">{t("onlyThis")}</span>}
      </div>
    </div>
  );
}
