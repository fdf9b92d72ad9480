"use client";
// The inbox's rows: opening one marks it read and goes to what it is about; "Mark all as read" clears the bell.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import { markNotificationsReadAction } from "@/lib/actions/notifications";
import type { NotificationJson } from "@/lib/services/notifications";
import { Button } from "@/components/ui/button";
import { DateTime } from "@/components/ui/datetime";

const KNOWN = new Set(["version.submitted", "version.approved", "version.rejected", "version.revoked", "rollout.halted", "permission_request.created", "permission_request.approved", "permission_request.rejected"]);

export function NotificationList({ org, items }: { org: string; items: NotificationJson[] }) {
  const t = useTranslations("notifications");
  const router = useRouter();
  const [read, setRead] = useState<Set<string>>(() => new Set(items.filter((i) => i.read).map((i) => i.id)));
  const [pending, start] = useTransition();
  const unread = items.filter((i) => !read.has(i.id)).length;

  const text = (n: NotificationJson) => {
    const p = Object.fromEntries(Object.entries(n.params).map(([k, v]) => [k, v === null ? "" : String(v)]));
    const name = p.name || p.appId || "";
    return KNOWN.has(n.event) ? t(`event.${n.event.replace(".", "_")}` as "event.version_submitted", { ...p, name, version: p.version ?? "", hostName: p.hostName ?? "" }) : t("event.other", { event: n.event });
  };

  const open = (n: NotificationJson) => {
    if (!read.has(n.id)) {
      setRead((s) => new Set(s).add(n.id));
      void markNotificationsReadAction(org, { ids: [n.id] }).then(() => router.refresh());
    }
  };

  if (items.length === 0) return <p className="text-sm text-muted-fg" data-testid="notifications-empty">{t("empty")}</p>;

  return (
    <div className="space-y-3">
      <div className="flex justify-end">
        <Button
          size="sm"
          disabled={unread === 0 || pending}
          onClick={() =>
            start(async () => {
              const r = await markNotificationsReadAction(org, { all: true });
              if (r.ok) {
                setRead(new Set(items.map((i) => i.id)));
                router.refresh();
              }
            })
          }
        >
          {t("markAll")}
        </Button>
      </div>
      <ul className="divide-y divide-border rounded-lg border border-border bg-card" data-testid="notification-list">
        {items.map((n) => {
          const isUnread = !read.has(n.id);
          return (
            <li key={n.id} data-unread={isUnread ? "true" : "false"} className={isUnread ? "bg-primary/5" : ""}>
              <Link href={`/o/${org}/${n.href}`} onClick={() => open(n)} className="flex items-start gap-3 px-4 py-3 hover:bg-muted focus-visible:bg-muted">
                <span aria-hidden="true" className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${isUnread ? "bg-primary" : "bg-transparent"}`} />
                <span className="min-w-0 flex-1">
                  <span className={`block text-sm ${isUnread ? "font-semibold" : ""}`}>
                    {isUnread && <span className="sr-only">{t("unread")}: </span>}
                    {text(n)}
                  </span>
                  {n.params.detail ? <span className="mt-0.5 block text-sm break-words text-muted-fg">{String(n.params.detail)}</span> : null}
                  <span className="mt-0.5 block text-xs text-muted-fg">
                    <DateTime value={n.createdAt} preset="relative" />
                    {n.params.actor ? ` · ${t("by", { actor: String(n.params.actor) })}` : ""}
                  </span>
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
