"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";
import type { ActionError } from "@/lib/actions/safe-action";
import { acceptInvitationAction } from "./actions";

export function AcceptForm({ token, needsAccount }: { token: string; needsAccount: boolean }) {
  const t = useTranslations("invite");
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<ActionError | null>(null);
  const [done, setDone] = useState(false);
  if (done) return <p role="status">{t("accepted")}</p>;
  const fe = error?.fieldErrors ?? {};
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        start(async () => {
          const res = await acceptInvitationAction({
            token,
            name: needsAccount ? String(fd.get("name") ?? "") : undefined,
            password: needsAccount ? String(fd.get("password") ?? "") : undefined,
          });
          if (!res.ok) return setError(res.error);
          if (res.data.signedIn) router.push(`/o/${res.data.orgSlug}`);
          else {
            setDone(true);
            router.push(`/sign-in?next=${encodeURIComponent(`/o/${res.data.orgSlug}`)}`);
          }
        });
      }}
    >
      <FormError message={Object.keys(fe).length ? null : error?.message} />
      {needsAccount && (
        <>
          <Field id="name" label={t("name")} error={fe.name}>
            <Input id="name" name="name" required autoComplete="name" />
          </Field>
          <Field id="password" label={t("password")} hint={t("passwordHint")} error={fe.password}>
            <Input id="password" name="password" type="password" required minLength={12} autoComplete="new-password" aria-describedby="password-hint" />
          </Field>
        </>
      )}
      <Button type="submit" variant="primary" className="w-full" disabled={pending}>
        {t("accept")}
      </Button>
    </form>
  );
}
