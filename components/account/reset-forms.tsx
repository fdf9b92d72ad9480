"use client";
// The signed-out password reset forms: ask for a link by email, and choose a new password with a link.
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { requestPasswordResetAction, resetPasswordAction } from "@/lib/actions/account";

export function ForgotForm() {
  const t = useTranslations("account");
  const ta = useTranslations("auth");
  // Signed out, with no server data on the page to refresh.
  const { pending, error, fieldErrors: fe, run } = useOrgAction({ refresh: false });
  const [sent, setSent] = useState<string | null>(null);
  if (sent) return <p role="status" data-testid="forgot-sent">{t("forgotSent", { email: sent })}</p>;
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const email = String(new FormData(e.currentTarget).get("email") ?? "");
        run(() => requestPasswordResetAction({ email }), (d) => setSent(d.email));
      }}
    >
      <p className="text-sm text-muted-fg">{t("forgotBody")}</p>
      <FormError message={error?.code === "rate_limited" ? t("throttled") : Object.keys(fe).length ? null : error?.message} />
      <Field id="forgot-email" label={ta("email")} error={fe.email}>
        <Input id="forgot-email" name="email" type="email" required autoComplete="email" aria-invalid={!!fe.email} />
      </Field>
      <Button type="submit" variant="primary" className="w-full" disabled={pending}>
        {t("forgotSubmit")}
      </Button>
    </form>
  );
}

export function ResetForm({ token }: { token: string }) {
  const t = useTranslations("account");
  const { pending, error, fieldErrors: fe, run } = useOrgAction({ refresh: false });
  const [done, setDone] = useState(false);
  if (done)
    return (
      <div className="space-y-3">
        <p role="status" data-testid="reset-done">
          {t("resetDone")}
        </p>
        <Link href="/sign-in?method=password" className="text-primary underline-offset-2 hover:underline">
          {t("signIn")}
        </Link>
      </div>
    );
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const password = String(new FormData(e.currentTarget).get("password") ?? "");
        run(() => resetPasswordAction({ token, password }), () => setDone(true));
      }}
    >
      <FormError message={Object.keys(fe).length ? null : error?.message} />
      <Field id="reset-password" label={t("newPassword")} hint={t("newPasswordHint")} error={fe.password}>
        <Input id="reset-password" name="password" type="password" required minLength={12} maxLength={1024} autoComplete="new-password" aria-describedby="reset-password-hint" aria-invalid={!!fe.password} />
      </Field>
      <Button type="submit" variant="primary" className="w-full" disabled={pending}>
        {t("resetSubmit")}
      </Button>
    </form>
  );
}
