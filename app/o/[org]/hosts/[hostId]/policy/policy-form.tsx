"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { HostPolicy } from "@/db/enums";
import { PERMISSION_APIS, PERMISSIONS } from "@/lib/packages/catalog";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Textarea } from "@/components/ui/form";
import { useHostErrorText } from "@/components/hosts/error-text";
import { useOrgAction } from "@/components/use-org-action";
import { updatePolicyAction } from "../../actions";

/** Non-empty lines with their 1-based line numbers, so an error on the nth domain points at its line. */
function domainLines(text: string): { line: number; value: string }[] {
  return text
    .split(/\r?\n/)
    .map((value, i) => ({ line: i + 1, value: value.trim() }))
    .filter((l) => l.value !== "");
}

export function PolicyForm({ org, hostId, policy }: { org: string; hostId: string; policy: HostPolicy }) {
  const t = useTranslations("hosts");
  const text = useHostErrorText();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [allowed, setAllowed] = useState<Set<string>>(() => new Set(policy.allowedPermissions));
  const [anyDomain, setAnyDomain] = useState(policy.allowedDomains === null);
  const [domains, setDomains] = useState((policy.allowedDomains ?? []).join("\n"));
  const [minSdk, setMinSdk] = useState(policy.minSdkVersion ?? "");
  const [saved, setSaved] = useState(false);

  const lines = domainLines(domains);
  const domainErrors = Object.entries(fieldErrors)
    .map(([key, messages]) => ({ m: /^policy\.allowedDomains(?:\.(\d+))?$/.exec(key), messages }))
    .filter((e) => e.m)
    .map(({ m, messages }) => {
      const line = m![1] === undefined ? undefined : lines[Number(m![1])]?.line;
      const msg = text(messages) ?? "";
      return line === undefined ? msg : t("policy.domainLine", { line, message: msg });
    });
  const minSdkError = text(fieldErrors["policy.minSdkVersion"]);
  const permissionsError = text(Object.entries(fieldErrors).find(([k]) => k.startsWith("policy.allowedPermissions"))?.[1]);
  /** Any change makes an earlier "saved" stale. */
  const edit = (change: () => void) => {
    change();
    setSaved(false);
  };

  return (
    <form
      className="space-y-6"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        run(
          () =>
            updatePolicyAction(org, {
              hostId,
              policy: {
                allowedPermissions: PERMISSIONS.filter((p) => allowed.has(p)),
                allowedDomains: anyDomain ? null : lines.map((l) => l.value),
                minSdkVersion: minSdk.trim() === "" ? null : minSdk.trim(),
              },
            }),
          (stored) => {
            setDomains((stored.policy.allowedDomains ?? []).join("\n"));
            setSaved(true);
          },
        );
      }}
    >
      <FormError message={Object.keys(fieldErrors).length ? null : error?.message} />

      <fieldset>
        <legend className="text-sm font-medium">{t("policy.permissions")}</legend>
        <p className="mt-1 text-xs text-muted-fg">{t("policy.permissionsHint")}</p>
        <div className="mt-2 flex gap-2">
          <Button size="sm" disabled={pending} onClick={() => edit(() => setAllowed(new Set(PERMISSIONS)))}>
            {t("policy.selectAll")}
          </Button>
          <Button size="sm" disabled={pending} onClick={() => edit(() => setAllowed(new Set()))}>
            {t("policy.selectNone")}
          </Button>
        </div>
        <ul className="mt-2 grid gap-2 sm:grid-cols-2">
          {PERMISSIONS.map((p) => {
            const id = `perm-${p}`;
            return (
              <li key={p}>
                <label htmlFor={id} className="flex cursor-pointer items-start gap-2 rounded-md border border-border p-2.5 hover:bg-muted has-[:checked]:border-primary/60">
                  <input
                    id={id}
                    type="checkbox"
                    className="mt-0.5 h-4 w-4 shrink-0 accent-[var(--primary)]"
                    checked={allowed.has(p)}
                    disabled={pending}
                    onChange={(e) => {
                      const next = new Set(allowed);
                      if (e.target.checked) next.add(p);
                      else next.delete(p);
                      edit(() => setAllowed(next));
                    }}
                  />
                  <span className="min-w-0">
                    <span className="block text-sm font-medium">{t(`permission.${p}`)}</span>
                    <span className="block break-words font-mono text-xs text-muted-fg">{PERMISSION_APIS[p].join(", ")}</span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
        {permissionsError && (
          <p role="alert" className="mt-1 text-xs text-danger">
            {permissionsError}
          </p>
        )}
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{t("policy.domains")}</legend>
        <div className="flex flex-col gap-2 sm:flex-row sm:gap-6">
          {[true, false].map((any) => (
            <label key={String(any)} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="domain-mode"
                className="h-4 w-4 accent-[var(--primary)]"
                checked={anyDomain === any}
                disabled={pending}
                onChange={() => edit(() => setAnyDomain(any))}
              />
              {any ? t("policy.anyDomain") : t("policy.listedDomains")}
            </label>
          ))}
        </div>
        {!anyDomain && (
          <Field id="policy-domains" label={t("policy.domainList")} hint={t("policy.domainsHint")} error={domainErrors.length ? domainErrors : undefined}>
            <Textarea
              id="policy-domains"
              rows={5}
              value={domains}
              spellCheck={false}
              autoCapitalize="off"
              placeholder={"https://api.example.com\nhttps://cdn.example.com"}
              className="font-mono"
              disabled={pending}
              aria-invalid={domainErrors.length > 0}
              aria-describedby={domainErrors.length ? "policy-domains-error" : "policy-domains-hint"}
              onChange={(e) => edit(() => setDomains(e.target.value))}
            />
          </Field>
        )}
      </fieldset>

      <div className="max-w-xs">
        <Field id="policy-min-sdk" label={t("policy.minSdkVersion")} hint={t("policy.minSdkHint")} error={minSdkError}>
          <Input
            id="policy-min-sdk"
            value={minSdk}
            inputMode="decimal"
            placeholder="2.0.0"
            className="font-mono"
            disabled={pending}
            aria-invalid={!!minSdkError}
            aria-describedby={minSdkError ? "policy-min-sdk-error" : "policy-min-sdk-hint"}
            onChange={(e) => edit(() => setMinSdk(e.target.value))}
          />
        </Field>
      </div>

      <div className="flex flex-wrap items-center gap-3 border-t border-border pt-4">
        <Button type="submit" variant="primary" disabled={pending}>
          {t("policy.save")}
        </Button>
        <span role="status" className="text-sm text-success">
          {saved ? t("policy.saved") : ""}
        </span>
      </div>
    </form>
  );
}
