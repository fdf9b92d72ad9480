"use client";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { setLocaleAction, setThemeAction } from "@/app/preferences-actions";
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
