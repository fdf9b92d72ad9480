"use client";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { setLocaleAction, setThemeAction, setTimeZoneModeAction } from "@/lib/actions/preferences";
import { LOCALES, THEMES, type Theme } from "@/lib/i18n/config";

const LOCALE_NAMES: Record<string, string> = { en: "English", "zh-CN": "简体中文" };
const selectClass = "h-8 rounded-md border border-border bg-card px-2 text-sm";

export function LanguageSwitch() {
  const t = useTranslations("nav");
  const locale = useLocale();
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-muted-fg">{t("language")}</span>
      <select
        className={selectClass}
        value={locale}
        disabled={pending}
        data-testid="language-switch"
        onChange={(e) => {
          const next = e.target.value;
          start(async () => {
            await setLocaleAction(next);
            router.refresh();
          });
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ThemeSwitch({ current }: { current: Theme }) {
  const t = useTranslations("nav");
  const router = useRouter();
  const [pending, start] = useTransition();
  const names: Record<Theme, string> = { system: t("themeSystem"), light: t("themeLight"), dark: t("themeDark") };
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-muted-fg">{t("theme")}</span>
      <select
        className={selectClass}
        defaultValue={current}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.value;
          start(async () => {
            await setThemeAction(next);
            router.refresh();
          });
        }}
      >
        {THEMES.map((th) => (
          <option key={th} value={th}>
            {names[th]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Local time (the browser's zone, reported by components/time-zone-sync.tsx) or UTC, for teams across zones. */
export function TimeZoneSwitch({ mode }: { mode: "auto" | "utc" }) {
  const t = useTranslations("nav");
  const zone = useTimeZone();
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <label className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-sm">
      <span className="text-muted-fg">{t("timeZone")}</span>
      <select
        className={selectClass}
        title={zone}
        defaultValue={mode}
        disabled={pending}
        data-testid="time-zone-switch"
        onChange={(e) => {
          const next = e.target.value;
          start(async () => {
            await setTimeZoneModeAction(next);
            router.refresh();
          });
        }}
      >
        <option value="auto">{t("timeZoneLocal")}</option>
        <option value="utc">UTC</option>
      </select>
      {/* Which zone "local" is, so a time on screen can be read without guessing. */}
      <span className="w-full truncate text-xs text-muted-fg" data-testid="time-zone-name">
        {zone}
      </span>
    </label>
  );
}
