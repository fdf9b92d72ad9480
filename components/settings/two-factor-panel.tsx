"use client";
// A person's two-factor authentication (issue 15 item 4): set it up (QR code and the key in text, confirmed with a
// code), the ten recovery codes shown once, new recovery codes, turning it off.
import { useState } from "react";
import { useTranslations } from "next-intl";
import { beginTwoFactorAction, confirmTwoFactorAction, disableTwoFactorAction, regenerateRecoveryCodesAction } from "@/lib/actions/two-factor";
import type { Enrolment, TwoFactorStatus } from "@/lib/services/two-factor";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { DateTime } from "@/components/ui/datetime";
import { Field, FocusOnMount, FormError, Input } from "@/components/ui/form";
import { Badge } from "@/components/ui/layout";
import { useOrgAction } from "@/components/use-org-action";

export function TwoFactorPanel({ org, status }: { org: string; status: TwoFactorStatus }) {
  const t = useTranslations("twoFactor");
  const [codes, setCodes] = useState<string[] | null>(null);
  if (codes) return <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={status.enabled ? "success" : "neutral"}>{status.enabled ? t("statusOn") : t("statusOff")}</Badge>
        {status.enabled && status.enabledAt && (
          <span className="text-sm text-muted-fg" data-testid="totp-on-since">
            {t("onSince")} <DateTime value={status.enabledAt} />
          </span>
        )}
      </div>
      {status.enabled ? <Manage org={org} status={status} onCodes={setCodes} /> : <Enrol org={org} onCodes={setCodes} />}
      <p className="text-xs text-muted-fg">{t("ssoNote")}</p>
    </div>
  );
}

function Enrol({ org, onCodes }: { org: string; onCodes: (codes: string[]) => void }) {
  const t = useTranslations("twoFactor");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  if (!enrolment) {
    return (
      <div className="space-y-3">
        <FormError message={error?.message} />
        <p className="text-sm">{t("offBody")}</p>
        <Button variant="primary" disabled={pending} onClick={() => run(() => beginTwoFactorAction(org, {}), setEnrolment)} data-testid="totp-start">
          {t("start")}
        </Button>
      </div>
    );
  }
  return (
    <FocusOnMount className="space-y-4" data-testid="totp-enrol">
      <p className="text-sm">{t("scan")}</p>
      <div
        role="img"
        aria-label={t("qrAlt")}
        data-testid="totp-qr"
        className="w-48 rounded-md border border-border bg-white p-1 [&_svg]:h-auto [&_svg]:w-full"
        // The SVG comes from the qrcode package, from an otpauth:// URI of a random key and the person's email
        // (which the qrcode package encodes as modules, never as markup).
        dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }}
      />
      <div className="space-y-1">
        <p className="text-sm text-muted-fg">{t("manual")}</p>
        <div className="flex items-start gap-2">
          <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1.5 font-mono text-sm" data-testid="totp-secret" aria-label={t("secret")}>
            {enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}
          </code>
          <CopyButton value={enrolment.secret} label={t("copy")} copiedLabel={t("copied")} />
        </div>
      </div>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const code = String(new FormData(e.currentTarget).get("code") ?? "");
          run(() => confirmTwoFactorAction(org, { code }), (r) => onCodes(r.recoveryCodes));
        }}
      >
        <FormError message={error?.message} />
        <p className="text-sm">{t("enterCode")}</p>
        <Field id="totp-code" label={t("code")} hint={t("codeHint")} error={fieldErrors.code}>
          <Input id="totp-code" name="code" required autoComplete="one-time-code" inputMode="numeric" pattern="[0-9 ]{6,7}" maxLength={7} className="max-w-40 font-mono" />
        </Field>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" disabled={pending} data-testid="totp-confirm">
            {t("confirm")}
          </Button>
          <Button onClick={() => setEnrolment(null)} disabled={pending}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    </FocusOnMount>
  );
}

function Manage({ org, status, onCodes }: { org: string; status: TwoFactorStatus; onCodes: (codes: string[]) => void }) {
  const t = useTranslations("twoFactor");
  const regen = useOrgAction();
  const off = useOrgAction();
  return (
    <div className="space-y-6">
      <p className="text-sm" data-testid="recovery-left">
        {t("recoveryLeft", { count: status.recoveryCodesLeft })}
      </p>
      <form
        className="space-y-3 border-t border-border pt-4"
        aria-labelledby="totp-regen-title"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const code = String(new FormData(form).get("code") ?? "");
          regen.run(() => regenerateRecoveryCodesAction(org, { code }), (r) => {
            form.reset();
            onCodes(r.recoveryCodes);
          });
        }}
      >
        <h3 id="totp-regen-title" className="font-medium">
          {t("regenerateTitle")}
        </h3>
        <p className="text-sm text-muted-fg">{t("regenerateBody")}</p>
        <FormError message={regen.error?.message} />
        <Field id="totp-regen-code" label={t("code")} error={regen.fieldErrors.code}>
          <Input id="totp-regen-code" name="code" required autoComplete="one-time-code" inputMode="numeric" maxLength={7} className="max-w-40 font-mono" />
        </Field>
        <Button type="submit" disabled={regen.pending} data-testid="totp-regenerate">
          {t("regenerate")}
        </Button>
      </form>
      <form
        className="space-y-3 border-t border-border pt-4"
        aria-labelledby="totp-off-title"
        onSubmit={(e) => {
          e.preventDefault();
          const proof = String(new FormData(e.currentTarget).get("proof") ?? "");
          off.run(() => disableTwoFactorAction(org, { proof }));
        }}
      >
        <h3 id="totp-off-title" className="font-medium">
          {t("disableTitle")}
        </h3>
        <p className="text-sm text-muted-fg">{t("disableBody")}</p>
        <FormError message={off.error?.message} />
        <Field id="totp-proof" label={t("proof")} error={off.fieldErrors.proof}>
          <Input id="totp-proof" name="proof" type="password" required autoComplete="off" maxLength={1024} className="max-w-64" />
        </Field>
        <Button type="submit" variant="danger" disabled={off.pending} data-testid="totp-disable">
          {t("disable")}
        </Button>
      </form>
    </div>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useTranslations("twoFactor");
  return (
    <FocusOnMount className="space-y-3 rounded-md border border-warning/50 bg-warning-bg p-4" role="region" aria-label={t("recoveryTitle")} data-testid="recovery-codes-panel">
      <h3 className="font-medium">{t("recoveryTitle")}</h3>
      <p className="text-sm text-warning">{t("recoveryWarning")}</p>
      <ol className="grid grid-cols-1 gap-x-6 gap-y-1 font-mono text-sm min-[360px]:grid-cols-2" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c} className="rounded bg-card px-2 py-1" data-testid="recovery-code">
            {c}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <CopyButton value={codes.join("\n")} label={t("copyAll")} copiedLabel={t("copied")} />
        <Button variant="primary" size="sm" onClick={onDone} data-testid="recovery-done">
          {t("recoveryDone")}
        </Button>
      </div>
    </FocusOnMount>
  );
}
