"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { OneTimeSecret } from "@/components/ui/copy-button";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { rotateSecretAction } from "../../actions";

export function RotateSecret({ org, host }: { org: string; host: { id: string; name: string; previousSecretExpiresAt: string | null } }) {
  const t = useTranslations("hosts.credentials");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { pending, error, run } = useOrgAction();
  const [rotated, setRotated] = useState<{ sdkSecret: string; previousSecretExpiresAt: string | null } | null>(null);
  const when = (iso: string) => format.dateTime(new Date(iso), "dateTimeZone");
  return (
    <div className="space-y-3">
      <FormError message={error?.message} />
      {rotated && (
        <OneTimeSecret
          label={t("newSecretLabel")}
          value={rotated.sdkSecret}
          warning={t("newSecretWarning", { when: rotated.previousSecretExpiresAt ? when(rotated.previousSecretExpiresAt) : "—" })}
          copyLabel={tc("copy")}
          copiedLabel={tc("copied")}
        />
      )}
      <ConfirmButton
        size="md"
        variant="danger"
        label={t("rotate")}
        title={t("rotateTitle", { name: host.name })}
        body={
          <div className="space-y-2">
            <p>{t("rotateBody")}</p>
            {host.previousSecretExpiresAt && <p className="font-medium text-warning">{t("rotatePending", { when: when(host.previousSecretExpiresAt) })}</p>}
          </div>
        }
        confirmLabel={t("rotate")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() => run(() => rotateSecretAction(org, { hostId: host.id }), setRotated)}
      />
    </div>
  );
}
