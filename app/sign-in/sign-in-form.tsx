"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";
import { signInAction, type SignInState } from "./actions";

export function SignInForm({ next }: { next?: string }) {
  const t = useTranslations("auth");
  const tc = useTranslations("common");
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  const message =
    state.error === "throttled" ? t("throttled", { seconds: state.seconds ?? 1 }) : state.error === "invalid" ? t("invalid") : state.error ? tc("error") : null;
  return (
    <form action={action} className="space-y-4" noValidate={false}>
      <FormError message={message} />
      <input type="hidden" name="next" value={next ?? ""} />
      <Field id="email" label={t("email")}>
        <Input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} aria-invalid={!!state.error} autoFocus />
      </Field>
      <Field id="password" label={t("password")}>
        <Input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={!!state.error} />
      </Field>
      <Button type="submit" variant="primary" className="w-full" disabled={pending}>
        {pending ? t("signingIn") : t("signIn")}
      </Button>
    </form>
  );
}
