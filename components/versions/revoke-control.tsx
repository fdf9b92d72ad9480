"use client";
// The kill switch, wherever an admin handling an incident looks (review page, version page, assignment page):
// one button, one confirmation that asks for the reason, one server action. The server checks the role and the
// state again (CONTRACT §1, §5).
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormError, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { revokeVersionAction } from "@/lib/actions/reviews";

export function RevokeControl({
  org,
  versionId,
  names,
  explain = true,
  size = "md",
}: {
  org: string;
  versionId: string;
  names: { app: string; version: string };
  /** Show what revoking does beside the button (off where the page already says it). */
  explain?: boolean;
  size?: "sm" | "md";
}) {
  const t = useTranslations("reviews.page");
  const tc = useTranslations("common");
  const uid = useId();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const reasonId = `${uid}-reason`;
  return (
    <div className="space-y-2" data-testid="revoke-control">
      {explain && <p className="text-sm text-muted-fg">{t("revokeExplain")}</p>}
      <FormError message={error ? (fieldErrors.reason?.join(" ") ?? error.message) : null} />
      <Button
        variant="danger"
        size={size}
        disabled={pending}
        onClick={() => {
          setMissing(false);
          setOpen(true);
        }}
      >
        {t("revokeVersion", { version: names.version })}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={t("revokeConfirmTitle", names)}
        body={t("revokeConfirmBody")}
        confirmLabel={t("revoke")}
        cancelLabel={tc("cancel")}
        variant="danger"
        testId="revoke-dialog"
        onConfirm={() => {
          const why = reason.trim();
          if (!why) {
            setMissing(true);
            document.getElementById(reasonId)?.focus();
            return false;
          }
          run(() => revokeVersionAction(org, { versionId, reason: why }));
        }}
      >
        <Field id={reasonId} label={t("revokeReason")} hint={t("revokeReasonHint")} error={missing ? t("revokeReasonMissing") : undefined}>
          <Textarea
            id={reasonId}
            rows={3}
            required
            maxLength={1000}
            value={reason}
            aria-invalid={missing}
            onChange={(e) => {
              setReason(e.target.value);
              if (e.target.value.trim()) setMissing(false);
            }}
          />
        </Field>
      </ConfirmDialog>
    </div>
  );
}
