"use client";
// Tells the server the browser's time zone (a cookie, read by lib/i18n/request.ts) and re-renders once when it
// differs from the zone the page was rendered in. Until then pages print UTC and say so, never a wrong local time.
import { useTimeZone } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { browserTimeZone, TIME_ZONE_COOKIE } from "@/lib/i18n/time-zone";

export function TimeZoneSync({ mode }: { mode: "auto" | "utc" }) {
  const rendered = useTimeZone();
  const router = useRouter();
  useEffect(() => {
    const browser = browserTimeZone();
    if (!browser) return;
    const current = document.cookie.split("; ").find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`));
    if (current === `${TIME_ZONE_COOKIE}=${encodeURIComponent(browser)}`) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(browser)}; path=/; max-age=31536000; samesite=lax`;
    // Only after writing a new value: a zone the server refuses must not refresh the page forever.
    if (mode === "auto" && browser !== rendered) router.refresh();
  }, [mode, rendered, router]);
  return null;
}
