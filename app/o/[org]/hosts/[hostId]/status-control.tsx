"use client";
import { useTranslations } from "next-intl";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { setHostStatusAction } from "../actions";

export function HostStatusControl({ org, host }: { org: string; host: { id: string; name: string; status: "active" | "disabled" } }) {
  const t = useTranslations("hosts.overview");
  const tc = useTranslations("common");
  const { pending, error, run } = useOrgAction();
  const disabling = host.status === "active";
  return (
    <div className="space-y-3">
      <FormError message={error?.message} />
      <ConfirmButton
        size="md"
        variant={disabling ? "danger" : "primary"}
        label={disabling ? t("disable") : t("enable")}
        title={disabling ? t("disableTitle", { name: host.name }) : t("enableTitle", { name: host.name })}
        body={disabling ? t("disableBody") : t("enableBody")}
        confirmLabel={disabling ? t("disable") : t("enable")}
        cancelLabel={tc("cancel")}
        disabled={pending}
        onConfirm={() => run(() => setHostStatusAction(org, { hostId: host.id, status: disabling ? "disabled" : "active" }))}
      />
    </div>
  );
}
