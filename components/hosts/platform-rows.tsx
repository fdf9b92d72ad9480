"use client";
// One row per platform the app ships on: the platform, and the app's identifier there. A platform can be
// chosen once, so each row's list offers only the platforms no other row has taken.
import { useTranslations } from "next-intl";
import { PLATFORMS, type Platform } from "@/db/enums";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/form";

export type PlatformRow = { key: number; platform: Platform; identifier: string };

// Keys come from the rows themselves, never a module counter: they end up in element ids, which must be the
// same in the server render and in the browser.
export function toRows(platforms: { platform: Platform; identifier: string }[]): PlatformRow[] {
  return platforms.map((p, i) => ({ key: i, ...p }));
}

function nextKey(rows: PlatformRow[]): number {
  return rows.reduce((max, r) => Math.max(max, r.key), -1) + 1;
}

export function PlatformRows({
  idPrefix,
  rows,
  onChange,
  errorAt,
  listError,
  disabled,
}: {
  idPrefix: string;
  rows: PlatformRow[];
  onChange: (rows: PlatformRow[]) => void;
  /** The error text for a row's field, already translated. */
  errorAt: (index: number, field: "platform" | "identifier") => string | undefined;
  listError?: string;
  disabled?: boolean;
}) {
  const t = useTranslations("hosts");
  const used = new Set(rows.map((r) => r.platform));
  const free = PLATFORMS.filter((p) => !used.has(p));
  const update = (key: number, patch: Partial<PlatformRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  return (
    <fieldset className="space-y-3" aria-describedby={listError ? `${idPrefix}-platforms-error` : undefined}>
      <legend className="mb-1 text-sm font-medium">{t("platforms")}</legend>
      <ul className="space-y-3">
        {rows.map((row, i) => {
          const platformError = errorAt(i, "platform");
          const identifierError = errorAt(i, "identifier");
          const selectId = `${idPrefix}-platform-${row.key}`;
          const inputId = `${idPrefix}-identifier-${row.key}`;
          return (
            <li key={row.key} className="grid gap-2 rounded-md border border-border p-3 sm:grid-cols-[11rem_1fr_auto] sm:items-start sm:border-0 sm:p-0">
              <div>
                <label htmlFor={selectId} className="sr-only">
                  {t("platformRow", { n: i + 1 })}
                </label>
                <Select
                  id={selectId}
                  value={row.platform}
                  disabled={disabled}
                  aria-invalid={!!platformError}
                  aria-describedby={platformError ? `${selectId}-error` : undefined}
                  onChange={(e) => update(row.key, { platform: e.target.value as Platform })}
                >
                  {PLATFORMS.filter((p) => p === row.platform || !used.has(p)).map((p) => (
                    <option key={p} value={p}>
                      {t(`platformName.${p}`)}
                    </option>
                  ))}
                </Select>
                {platformError && (
                  <p id={`${selectId}-error`} role="alert" className="mt-1 text-xs text-danger">
                    {platformError}
                  </p>
                )}
              </div>
              <div className="min-w-0">
                <label htmlFor={inputId} className="sr-only">
                  {t("identifierKind." + row.platform)} ({t(`platformName.${row.platform}`)})
                </label>
                <Input
                  id={inputId}
                  value={row.identifier}
                  disabled={disabled}
                  spellCheck={false}
                  autoCapitalize="off"
                  autoCorrect="off"
                  maxLength={255}
                  placeholder={t(`identifierExample.${row.platform}`)}
                  className="font-mono"
                  aria-invalid={!!identifierError}
                  aria-describedby={identifierError ? `${inputId}-error` : `${inputId}-hint`}
                  onChange={(e) => update(row.key, { identifier: e.target.value })}
                />
                {identifierError ? (
                  <p id={`${inputId}-error`} role="alert" className="mt-1 text-xs text-danger">
                    {identifierError}
                  </p>
                ) : (
                  <p id={`${inputId}-hint`} className="mt-1 text-xs text-muted-fg">
                    {t(`identifierKind.${row.platform}`)}
                  </p>
                )}
              </div>
              <Button
                size="md"
                variant="ghost"
                disabled={disabled || rows.length === 1}
                aria-label={t("removePlatform", { platform: t(`platformName.${row.platform}`) })}
                onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                className="justify-self-start text-muted-fg"
              >
                <span aria-hidden="true">✕</span>
                <span className="sm:hidden">{t("removePlatform", { platform: t(`platformName.${row.platform}`) })}</span>
              </Button>
            </li>
          );
        })}
      </ul>
      {listError && (
        <p id={`${idPrefix}-platforms-error`} role="alert" className="text-xs text-danger">
          {listError}
        </p>
      )}
      <Button size="sm" disabled={disabled || free.length === 0} onClick={() => onChange([...rows, { key: nextKey(rows), platform: free[0]!, identifier: "" }])}>
        + {t("addPlatform")}
      </Button>
    </fieldset>
  );
}
