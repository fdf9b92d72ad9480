"use client";
// Archive, restore and delete a mini-program (issue 20), each behind the console's confirmation dialog.
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { archiveMiniProgramAction, deleteMiniProgramAction, restoreMiniProgramAction } from "../actions";

export function LifecycleActions({ org, appId, name, archived, deletable }: { org: string; appId: string; name: string; archived: boolean; deletable: boolean }) {
  const t = useTranslations("miniPrograms.lifecycle");
  const tc = useTranslations("common");
  const router = useRouter();
  const { pending, error, run } = useOrgAction();
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap justify-end gap-2" data-testid="lifecycle-actions">
        {archived ? (
          <ConfirmButton
            label={t("restore")}
            title={t("restoreTitle", { name })}
            body={t("restoreBody")}
            confirmLabel={t("restore")}
            cancelLabel={tc("cancel")}
            variant="primary"
            size="md"
            disabled={pending}
            onConfirm={() => run(() => restoreMiniProgramAction(org, { appId }))}
          />
        ) : (
          <ConfirmButton
            label={t("archive")}
            title={t("archiveTitle", { name })}
            body={t("archiveBody")}
            confirmLabel={t("archive")}
            cancelLabel={tc("cancel")}
            size="md"
            disabled={pending}
            onConfirm={() => run(() => archiveMiniProgramAction(org, { appId }))}
          />
        )}
        {deletable && (
          <ConfirmButton
            label={t("delete")}
            title={t("deleteTitle", { name })}
            body={t("deleteBody", { appId })}
            confirmLabel={t("delete")}
            cancelLabel={tc("cancel")}
            size="md"
            disabled={pending}
            onConfirm={() => run(() => deleteMiniProgramAction(org, { appId }), () => router.push(`/o/${org}/mini-programs`))}
          />
        )}
      </div>
      <FormError message={error?.message} />
    </div>
  );
}
