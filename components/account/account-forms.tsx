"use client";
// The account page's two forms: profile (name, language, theme) and password change.
import { useLocale, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { changePasswordAction, updateProfileAction } from "@/lib/actions/account";
import { LOCALES, THEMES, type Locale, type Theme } from "@/lib/i18n/config";
import type { ProfileJson } from "@/lib/services/accounts";

const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "简体中文" };

export function ProfileForm({ org, profile }: { org: string; profile: ProfileJson }) {
  const t = useTranslations("account");
  const current = useLocale();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="space-y-4"
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        setSaved(false);
        run(
          () => updateProfileAction(org, { name: String(fd.get("name") ?? ""), locale: String(fd.get("locale")) as Locale, theme: String(fd.get("theme")) as Theme }),
          () => setSaved(true),
        );
      }}
    >
      <FormError message={Object.keys(fieldErrors).length ? null : error?.message} />
      <Field id="account-email" label={t("email")} hint={t("emailHint")}>
        <Input id="account-email" value={profile.email} readOnly aria-describedby="account-email-hint" />
      </Field>
      <Field id="account-name" label={t("name")} error={fieldErrors.name}>
        <Input id="account-name" name="name" defaultValue={profile.name} required maxLength={120} autoComplete="name" aria-invalid={!!fieldErrors.name} />
      </Field>
      <Field id="account-locale" label={t("language")}>
        <Select id="account-locale" name="locale" defaultValue={profile.locale ?? current}>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="account-theme" label={t("theme")}>
        <Select id="account-theme" name="theme" defaultValue={profile.theme ?? "system"}>
          {THEMES.map((th) => (
            <option key={th} value={th}>
              {t(`themes.${th}`)}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {t("save")}
        </Button>
        {saved && !pending && (
          <span role="status" className="text-sm text-success">
            {t("saved")}
          </span>
        )}
      </div>
    </form>
  );
}

export function PasswordForm({ org }: { org: string }) {
  const t = useTranslations("account");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [ended, setEnded] = useState<number | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const fe = { ...fieldErrors } as Record<string, string[] | undefined>;
  const field = (error?.details as { field?: string } | undefined)?.field;
  if (field && error) fe[field] = [error.message];
  return (
    <form
      ref={form}
      className="space-y-4"
      data-testid="password-form"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        setEnded(null);
        run(
          () => changePasswordAction(org, { currentPassword: String(fd.get("currentPassword") ?? ""), newPassword: String(fd.get("newPassword") ?? "") }),
          (r) => {
            setEnded(r.sessionsEnded);
            form.current?.reset();
          },
        );
      }}
    >
      <FormError message={Object.keys(fe).length ? null : error?.message} />
      <Field id="current-password" label={t("currentPassword")} error={fe.currentPassword}>
        <Input id="current-password" name="currentPassword" type="password" required autoComplete="current-password" aria-invalid={!!fe.currentPassword} />
      </Field>
      <Field id="new-password" label={t("newPassword")} hint={t("newPasswordHint")} error={fe.newPassword}>
        <Input id="new-password" name="newPassword" type="password" required minLength={12} maxLength={1024} autoComplete="new-password" aria-describedby="new-password-hint" aria-invalid={!!fe.newPassword} />
      </Field>
      <Button type="submit" variant="primary" disabled={pending}>
        {t("changePassword")}
      </Button>
      {ended !== null && !pending && (
        <p role="status" className="text-sm text-success" data-testid="password-changed">
          {t("passwordChanged", { count: ended })}
        </p>
      )}
    </form>
  );
}
