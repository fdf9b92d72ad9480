"use client";
// Owners and admins: whether members who sign in with a password must have two-factor authentication.
import { useState } from "react";
import { useTranslations } from "next-intl";
import { requireTwoFactorAction } from "@/lib/actions/two-factor";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";

export function RequireTwoFactorForm({ org, required }: { org: string; required: boolean }) {
  const t = useTranslations("twoFactor");
  const { pending, error, run } = useOrgAction();
  const [value, setValue] = useState(required);
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        run(() => requireTwoFactorAction(org, { required: value }), () => setSaved(true));
      }}
    >
      <FormError message={error?.message} />
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          name="required"
          className="mt-0.5 size-4 shrink-0"
          checked={value}
          onChange={(e) => {
            setValue(e.target.checked);
            setSaved(false);
          }}
          data-testid="require-two-factor"
          aria-describedby="require-two-factor-hint"
        />
        <span>
          <span className="font-medium">{t("orgRequire")}</span>
          <span id="require-two-factor-hint" className="mt-1 block text-muted-fg">
            {t("orgRequireHint")}
          </span>
        </span>
      </label>
      <div className="flex items-center gap-3">
        <Button type="submit" size="sm" disabled={pending || value === required} data-testid="require-two-factor-save">
          {t("save")}
        </Button>
        <span aria-live="polite" className="text-sm text-muted-fg">
          {saved && value === required ? t("saved") : ""}
        </span>
      </div>
    </form>
  );
}
