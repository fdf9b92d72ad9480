"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { rotateManifestKeyAction } from "./actions";

export function RotateManifestKey({ org }: { org: string }) {
  const t = useTranslations("trust.keys");
  const tc = useTranslations("common");
  const router = useRouter();
  const { pending, error, run } = useOrgAction();
  const [done, setDone] = useState(false);
  return (
    <div className="space-y-2">
      <FormError message={error?.message} />
      {done && (
        <p role="status" className="text-sm text-success" data-testid="manifest-key-rotated">
          {t("rotated")}
        </p>
      )}
      <ConfirmButton
        size="md"
        variant="danger"
        label={t("rotate")}
        title={t("rotateTitle")}
        body={<p>{t("rotateBody")}</p>}
        confirmLabel={t("rotate")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() =>
          run(
            () => rotateManifestKeyAction(org, {}),
            () => {
              setDone(true);
              router.refresh();
            },
          )
        }
      />
    </div>
  );
}
