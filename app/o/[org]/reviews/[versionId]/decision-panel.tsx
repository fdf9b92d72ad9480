"use client";
// Approve, and reject with reasons from the catalog: both final, so both confirmed the console's one way
// (components/ui/confirm-dialog.tsx). Inputs are checked here for quick feedback and again by the server, which
// also enforces roles, states and separation of duties. Revoking lives in components/versions/revoke-control.tsx.
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton, ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormError, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import type { RejectionReason } from "@/lib/services/reviews";
import { approveVersionAction, rejectVersionAction } from "@/lib/actions/reviews";

type Names = { app: string; version: string };

export function DecisionPanel({ org, versionId, names, reasons }: { org: string; versionId: string; names: Names; reasons: readonly RejectionReason[] }) {
  const t = useTranslations("reviews.page");
  const tc = useTranslations("common");
  const approve = useOrgAction();
  const reject = useOrgAction();
  const [comment, setComment] = useState("");
  const [chosen, setChosen] = useState<RejectionReason[]>([]);
  const [reasonError, setReasonError] = useState(false);
  const [confirmReject, setConfirmReject] = useState(false);
  const rejectComment = useRef<HTMLTextAreaElement>(null);
  const busy = approve.pending || reject.pending;
  return (
    <div className="space-y-6" data-testid="decision-panel">
      <section className="space-y-3" aria-labelledby="approve-heading">
        <h3 id="approve-heading" className="text-sm font-semibold">
          {t("approve")}
        </h3>
        <Field id="approve-comment" label={t("approveComment")} error={approve.fieldErrors.comment}>
          <Textarea id="approve-comment" rows={2} maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} />
        </Field>
        <FormError message={approve.error && !approve.error.fieldErrors ? approve.error.message : null} />
        <ConfirmButton
          variant="primary"
          size="md"
          label={t("approve")}
          title={t("approveTitle", names)}
          body={t("approveBody")}
          confirmLabel={t("approve")}
          cancelLabel={tc("cancel")}
          disabled={busy}
          onConfirm={() => approve.run(() => approveVersionAction(org, { versionId, comment }))}
        />
      </section>

      <form
        className="space-y-3 border-t border-border pt-5"
        aria-labelledby="reject-heading"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen.length === 0) {
            setReasonError(true);
            return;
          }
          setReasonError(false);
          setConfirmReject(true);
        }}
      >
        <h3 id="reject-heading" className="text-sm font-semibold">
          {t("rejectTitle")}
        </h3>
        <fieldset className="space-y-1.5" aria-describedby={reasonError || reject.fieldErrors.reasons ? "reject-reasons-error" : undefined}>
          <legend className="mb-1 text-sm font-medium">{t("reasonsLegend")}</legend>
          {reasons.map((r) => (
            <label key={r} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="reasons"
                value={r}
                className="size-4 accent-[var(--danger)]"
                checked={chosen.includes(r)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, r] : c.filter((x) => x !== r)))}
              />
              {t(`reasonsCatalog.${r}`)}
            </label>
          ))}
          {(reasonError || reject.fieldErrors.reasons) && (
            <p id="reject-reasons-error" role="alert" className="text-xs text-danger">
              {t("chooseReason")}
            </p>
          )}
        </fieldset>
        <Field id="reject-comment" label={t("comment")} hint={t("commentHint")} error={reject.fieldErrors.comment}>
          <Textarea
            id="reject-comment"
            ref={rejectComment}
            rows={4}
            required
            maxLength={4000}
            aria-invalid={!!reject.fieldErrors.comment}
            aria-describedby={reject.fieldErrors.comment ? "reject-comment-error" : "reject-comment-hint"}
          />
        </Field>
        <FormError message={reject.error && !reject.error.fieldErrors ? reject.error.message : null} />
        <Button type="submit" variant="danger" disabled={busy}>
          {t("rejectSubmit")}
        </Button>
      </form>
      <ConfirmDialog
        open={confirmReject}
        onClose={() => setConfirmReject(false)}
        onConfirm={() => reject.run(() => rejectVersionAction(org, { versionId, reasons: chosen, comment: rejectComment.current?.value ?? "" }))}
        title={t("rejectConfirmTitle", names)}
        body={
          <>
            <p>{t("rejectConfirmBody")}</p>
            <ul className="mt-2 list-disc pl-5">
              {chosen.map((r) => (
                <li key={r}>{t(`reasonsCatalog.${r}`)}</li>
              ))}
            </ul>
          </>
        }
        confirmLabel={t("rejectSubmit")}
        cancelLabel={tc("cancel")}
        variant="danger"
        testId="reject-dialog"
      />
    </div>
  );
}
