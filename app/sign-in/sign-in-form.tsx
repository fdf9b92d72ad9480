"use client";
// Email first (issue 15): an email at a domain with single sign-on goes to its identity provider; any other goes on
// to the password. "Sign in with a password" skips the email step: owners keep their password as a way back in when
// their organization's provider fails.
import { useActionState, useState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { SsoErrorCode } from "@/lib/sso/flow";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";
import { continueSignInAction, signInAction, type SignInState } from "./actions";

type Props = { next?: string; ssoError?: SsoErrorCode; passwordFirst?: boolean };

export function SignInForm(props: Props) {
  // "Use another email" starts over with fresh action states.
  const [round, setRound] = useState(0);
  return <Steps key={round} {...props} ssoError={round === 0 ? props.ssoError : undefined} restart={() => setRound((r) => r + 1)} />;
}

function Steps({ next, ssoError, passwordFirst, restart }: Props & { restart: () => void }) {
  const t = useTranslations("auth");
  const tc = useTranslations("common");
  const [cont, continueAction, continuing] = useActionState<SignInState, FormData>(continueSignInAction, {});
  const [pw, passwordAction, signingIn] = useActionState<SignInState, FormData>(signInAction, {});
  // Kept in the browser between the password and the code: the server never sends a password back.
  const [password, setPassword] = useState("");
  const submitPassword = (fd: FormData) => {
    if (fd.has("password")) setPassword(String(fd.get("password")));
    passwordAction(fd);
  };
  const passwordStep = passwordFirst || cont.step === "password" || !!pw.error || !!pw.step;

  if (pw.step === "code") {
    return (
      <form action={submitPassword} className="space-y-4" data-testid="sign-in-code-step">
        <FormError message={pw.error === "code_invalid" ? t("codeInvalid") : null} />
        <input type="hidden" name="next" value={next ?? ""} />
        <input type="hidden" name="email" value={pw.email ?? ""} />
        <input type="hidden" name="password" value={password} />
        <p className="text-sm text-muted-fg">{t("codeIntro", { email: pw.email ?? "" })}</p>
        <Field id="code" label={t("code")} hint={t("codeHint")}>
          <Input id="code" name="code" required autoComplete="one-time-code" inputMode="text" maxLength={32} autoFocus aria-invalid={pw.error === "code_invalid"} spellCheck={false} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" disabled={signingIn}>
          {signingIn ? t("signingIn") : t("verify")}
        </Button>
        <p className="text-center text-xs">
          <button type="button" onClick={restart} className="text-muted-fg hover:text-fg hover:underline">
            {t("useAnotherEmail")}
          </button>
        </p>
      </form>
    );
  }

  if (!passwordStep) {
    const message =
      cont.error === "email" ? t("enterEmail") : cont.error === "sso_unavailable" ? t("ssoUnavailable") : cont.error ? tc("error") : ssoError ? t(`ssoErrors.${ssoError}`) : null;
    return (
      <div className="space-y-4">
        <form action={continueAction} className="space-y-4" data-testid="sign-in-email-step">
          <FormError message={message} />
          <input type="hidden" name="next" value={next ?? ""} />
          <Field id="email" label={t("email")} hint={t("emailFirstHint")}>
            <Input id="email" name="email" type="email" autoComplete="username" required defaultValue={cont.email} aria-invalid={!!cont.error} autoFocus />
          </Field>
          <Button type="submit" variant="primary" className="w-full" disabled={continuing}>
            {continuing ? t("continuing") : t("continue")}
          </Button>
        </form>
        <p className="text-center text-xs">
          <Link href={`/sign-in?method=password${next ? `&next=${encodeURIComponent(next)}` : ""}`} className="text-muted-fg hover:text-fg hover:underline">
            {t("usePassword")}
          </Link>
        </p>
      </div>
    );
  }

  const message =
    pw.error === "throttled"
      ? t("throttled", { seconds: pw.seconds ?? 1 })
      : pw.error === "invalid"
        ? t("invalid")
        : pw.error === "sso_required"
          ? t("ssoRequired")
          : pw.error
            ? tc("error")
            : null;
  const email = pw.email ?? cont.email;
  const fixedEmail = !passwordFirst && !!email;
  return (
    <form action={submitPassword} className="space-y-4" data-testid="sign-in-password-step">
      <FormError message={message} />
      <input type="hidden" name="next" value={next ?? ""} />
      <Field id="email" label={t("email")}>
        <Input id="email" name="email" type="email" autoComplete="username" required defaultValue={email} readOnly={fixedEmail} aria-invalid={!!pw.error} autoFocus={!fixedEmail} className={fixedEmail ? "bg-muted" : ""} />
      </Field>
      {fixedEmail && (
        <p className="-mt-2 text-right text-xs">
          <button type="button" onClick={restart} className="text-muted-fg hover:text-fg hover:underline">
            {t("useAnotherEmail")}
          </button>
        </p>
      )}
      <Field id="password" label={t("password")}>
        <Input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={!!pw.error} autoFocus={fixedEmail} />
      </Field>
      <Button type="submit" variant="primary" className="w-full" disabled={signingIn}>
        {signingIn ? t("signingIn") : t("signIn")}
      </Button>
    </form>
  );
}
