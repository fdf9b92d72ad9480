"use client";
// The way out of a halt: a person resumes the rollout (the guardrail judges it anew from then on).
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { updateAssignmentAction } from "@/lib/actions/assignments";

export function ResumeHalted({ org, id, revision, version }: { org: string; id: string; revision: number; version: string }) {
  const t = useTranslations("releaseControl");
  const tc = useTranslations("common");
  const router = useRouter();
  const { pending, error, run } = useOrgAction();
  // A 409 carrying the revision means the page is stale (someone resumed, rolled back or changed it meanwhile).
  const [reloaded, setReloaded] = useState<typeof error>(null);
  const stale = error?.code === "conflict" && !!error.details && typeof error.details === "object" && "revision" in error.details && error !== reloaded;
  return (
    <div className="shrink-0 space-y-2">
      <ConfirmButton
        size="md"
        variant="primary"
        label={t("halt.resume")}
        title={t("halt.resumeTitle", { version })}
        body={t("halt.resumeBody")}
        confirmLabel={t("halt.resume")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() => run(() => updateAssignmentAction(org, { id, revision, paused: false }))}
      />
      {stale ? (
        <div role="alert" className="space-y-1 text-sm">
          <p>{t("conflict")}</p>
          <Button
            size="sm"
            onClick={() => {
              setReloaded(error);
              router.refresh();
            }}
          >
            {t("reload")}
          </Button>
        </div>
      ) : (
        error !== reloaded && <FormError message={error?.message} />
      )}
    </div>
  );
}
