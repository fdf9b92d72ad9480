"use client";
// A release's actions (promote the rolling ring, cancel) and, while it runs, a quiet refresh every 10 seconds so
// steps, halts and ring changes made by the job runner show up without reloading.
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { cancelReleaseAction, promoteRingAction } from "@/lib/actions/releases";

export function ReleaseAutoRefresh({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, 10_000);
    return () => clearInterval(timer);
  }, [running, router]);
  return null;
}

export function CancelRelease({ org, id, revision }: { org: string; id: string; revision: number }) {
  const t = useTranslations("releases.detail");
  const { pending, error, run } = useOrgAction();
  return (
    <div className="space-y-2">
      <ConfirmButton
        label={t("cancel")}
        title={t("cancelTitle")}
        body={t("cancelBody")}
        confirmLabel={t("cancel")}
        cancelLabel={t("keep")}
        disabled={pending}
        onConfirm={() => run(() => cancelReleaseAction(org, { id, revision }))}
      />
      <FormError message={error?.message} />
    </div>
  );
}

export function PromoteRing({ org, id, ring, name, version }: { org: string; id: string; ring: number; name: string; version: string }) {
  const t = useTranslations("releases.detail");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  return (
    <div className="space-y-2">
      <ConfirmButton
        variant="primary"
        label={t("promoteRing")}
        title={t("promoteRingTitle", { version, name })}
        body={t("promoteRingBody", { version })}
        confirmLabel={t("promoteRing")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() => run(() => promoteRingAction(org, { id, ring }))}
      />
      <FormError message={error?.message} />
    </div>
  );
}
