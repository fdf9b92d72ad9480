import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** The inbox's way in, with the unread count; on every console page (the layout renders it). */
export async function NotificationBell({ org, unread }: { org: string; unread: number }) {
  const t = await getTranslations("notifications");
  const shown = unread > 99 ? "99+" : String(unread);
  return (
    <Link
      href={`/o/${org}/notifications`}
      aria-label={t("bell", { count: unread })}
      title={t("bell", { count: unread })}
      data-testid="notification-bell"
      className="relative inline-flex h-9 w-9 items-center justify-center rounded-md text-muted-fg hover:bg-muted hover:text-fg"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unread > 0 && (
        <span data-testid="notification-count" className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-danger px-1 text-center text-[11px] leading-5 font-semibold text-danger-fg">
          {shown}
        </span>
      )}
    </Link>
  );
}
