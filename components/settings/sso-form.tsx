"use client";
// The organization's OpenID Connect sign-in form. The client secret is write-only: the form shows whether one is
// stored and sends a new one only when typed, so saving other changes keeps the stored secret.
import { useState } from "react";
import { useTranslations } from "next-intl";
import type { SsoSettingsJson } from "@/lib/services/sso";
import { disableSsoAction, saveSsoAction } from "@/lib/actions/sso";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FocusOnMount, FormError, Input, Select, Textarea } from "@/components/ui/form";
import { Badge } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";

type Role = SsoSettingsJson["defaultRole"];

/** "a.com, b.com\nc.com" → ["a.com", "b.com", "c.com"] */
const splitDomains = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);

/** Field errors of the list (`domains.1`) shown under the one domains field. */
function domainErrors(fieldErrors: Record<string, string[]>): string[] | undefined {
  const all = Object.entries(fieldErrors)
    .filter(([k]) => k === "domains" || k.startsWith("domains."))
    .flatMap(([, v]) => v);
  return all.length ? all : undefined;
}

export function SsoSettingsForm({ org, settings, roles }: { org: string; settings: SsoSettingsJson; roles: readonly Role[] }) {
  const t = useTranslations("sso");
  const tr = useTranslations("roles");
  // fieldErrors has the service's own 422s too (an unreachable issuer, a claimed domain): they name their field.
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [saved, setSaved] = useState(0);
  const shownBesideAField = Object.keys(fieldErrors).some((k) => /^(issuer|clientId|clientSecret|defaultRole|domains)(\.|$)/.test(k));
  const secretHint = settings.clientSecretSet ? t("secretKeep") : t("secretHint");
  return (
    <form
      // The saved values come back from the server with a new updatedAt: a fresh form shows them, secret field empty.
      key={settings.updatedAt ?? "off"}
      className="space-y-4"
      data-testid="sso-form"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const secret = String(fd.get("clientSecret") ?? "");
        setSaved(0);
        run(
          () =>
            saveSsoAction(org, {
              issuer: String(fd.get("issuer") ?? ""),
              clientId: String(fd.get("clientId") ?? ""),
              ...(secret ? { clientSecret: secret } : {}),
              domains: splitDomains(String(fd.get("domains") ?? "")),
              defaultRole: String(fd.get("defaultRole") ?? "developer") as Role,
              enforced: fd.get("enforced") === "on",
            }),
          () => setSaved((n) => n + 1),
        );
      }}
    >
      {saved > 0 && (
        <FocusOnMount role="status" className="rounded-md border border-success/40 px-3 py-2 text-sm text-success" data-testid="sso-saved">
          {t("saved")}
        </FocusOnMount>
      )}
      <FormError message={shownBesideAField ? null : error?.message} />
      <Field id="sso-issuer" label={t("issuer")} hint={t("issuerHint")} error={fieldErrors.issuer}>
        <Input id="sso-issuer" name="issuer" type="url" required maxLength={2048} defaultValue={settings.issuer ?? ""} placeholder="https://login.example.com" aria-invalid={!!fieldErrors.issuer} spellCheck={false} />
      </Field>
      <div className="grid gap-4 md:grid-cols-2">
        <Field id="sso-client-id" label={t("clientId")} error={fieldErrors.clientId}>
          <Input id="sso-client-id" name="clientId" required maxLength={512} defaultValue={settings.clientId ?? ""} aria-invalid={!!fieldErrors.clientId} spellCheck={false} autoComplete="off" />
        </Field>
        <Field
          id="sso-client-secret"
          label={
            <span className="flex items-center gap-2">
              {t("clientSecret")}
              <Badge tone={settings.clientSecretSet ? "success" : "neutral"}>{settings.clientSecretSet ? t("secretSet") : t("secretNotSet")}</Badge>
            </span>
          }
          hint={secretHint}
          error={fieldErrors.clientSecret}
        >
          <Input
            id="sso-client-secret"
            name="clientSecret"
            type="password"
            autoComplete="new-password"
            required={!settings.clientSecretSet}
            placeholder={settings.clientSecretSet ? "••••••••" : ""}
            aria-invalid={!!fieldErrors.clientSecret}
          />
        </Field>
      </div>
      <Field id="sso-domains" label={t("domains")} hint={t("domainsHint")} error={domainErrors(fieldErrors)}>
        <Textarea id="sso-domains" name="domains" rows={3} required defaultValue={settings.domains.join("\n")} placeholder="example.com" aria-invalid={!!domainErrors(fieldErrors)} spellCheck={false} />
      </Field>
      <Field id="sso-default-role" label={t("defaultRole")} hint={t("defaultRoleHint")} error={fieldErrors.defaultRole}>
        <Select id="sso-default-role" name="defaultRole" defaultValue={settings.defaultRole} aria-invalid={!!fieldErrors.defaultRole}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </Select>
      </Field>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="enforced" defaultChecked={settings.enforced} className="mt-0.5 size-4" data-testid="sso-enforced" />
        <span>
          <span className="font-medium">{t("enforced")}</span>
          <span className="block text-xs text-muted-fg">{t("enforcedHint")}</span>
        </span>
      </label>
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? t("checking") : settings.enabled ? t("save") : t("turnOn")}
      </Button>
    </form>
  );
}

export function TurnOffSso({ org }: { org: string }) {
  const t = useTranslations("sso");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  return (
    <div className="space-y-2">
      <FormError message={error?.message} />
      <ConfirmButton
        label={t("turnOff")}
        title={t("turnOffTitle")}
        body={t("turnOffBody")}
        confirmLabel={t("turnOff")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() => run(() => disableSsoAction(org, {}))}
      />
    </div>
  );
}
