"use client";
// The way out of a halt: a person resumes the rollout (the guardrail judges it anew from then on).
import { useTranslations } from "next-intl";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { updateAssignmentAction } from "@/lib/actions/assignments";

export function ResumeHalted({ org, id, revision, version }: { org: string; id: string; revision: number; version: string }) {
  const t = useTranslations("releaseControl.halt");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  return (
    <div className="space-y-2">
      <ConfirmButton
        variant="primary"
        label={t("resume")}
        title={t("resumeTitle", { version })}
        body={t("resumeBody")}
        confirmLabel={t("resume")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() => run(() => updateAssignmentAction(org, { id, revision, paused: false }))}
      />
      <FormError message={error?.message} />
    </div>
  );
}
