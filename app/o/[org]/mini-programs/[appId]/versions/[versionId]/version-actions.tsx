"use client";
import { useTranslations } from "next-intl";
import type { VersionStatus } from "@/db/enums";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { submitVersionAction, withdrawVersionAction } from "../../../actions";

export function VersionActions({ org, versionId, version, status }: { org: string; versionId: string; version: string; status: VersionStatus }) {
  const t = useTranslations("miniPrograms.detail");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  if (status !== "draft" && status !== "in_review") return null;
  return (
    <div className="flex flex-col items-end gap-2">
      {status === "draft" ? (
        <ConfirmButton
          variant="primary"
          size="md"
          label={t("submit")}
          title={t("submitTitle", { version })}
          body={t("submitBody")}
          confirmLabel={t("submit")}
          cancelLabel={tc("cancel")}
          disabled={pending}
          onConfirm={() => run(() => submitVersionAction(org, { versionId }))}
        />
      ) : (
        <ConfirmButton
          variant="secondary"
          size="md"
          label={t("withdraw")}
          title={t("withdrawTitle", { version })}
          body={t("withdrawBody")}
          confirmLabel={t("withdraw")}
          cancelLabel={tc("cancel")}
          disabled={pending}
          onConfirm={() => run(() => withdrawVersionAction(org, { versionId }))}
        />
      )}
      <FormError message={error?.message} />
    </div>
  );
}
