"use client";
// Replace the stable version directly (issue 13, item 9): after a revocation, the way back to a version that works.
// Sends the revision the page shows, so a change made meanwhile is refused (409) instead of undone.
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import semver from "semver";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FormError, Select } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { updateAssignmentAction } from "@/lib/actions/assignments";
import { ReasonList, reasonsOf, type ReasonLike } from "./reasons";

export function ReplaceStable({
  org,
  assignment: a,
  versions,
}: {
  org: string;
  assignment: { id: string; revision: number; hostName: string; stable: { id: string; version: string } | null; candidate: { id: string; version: string } | null };
  /** Approved versions of the mini-program, newest first, each with the reasons the host's policy refuses it. */
  versions: { id: string; version: string; reasons: ReasonLike[] }[];
}) {
  const t = useTranslations("release.replaceStable");
  const ta = useTranslations("assignments.assign");
  const tc = useTranslations("common");
  const uid = useId();
  const { pending, error, run } = useOrgAction();
  const options = versions.filter((v) => v.id !== a.stable?.id && v.id !== a.candidate?.id);
  const [chosenId, setChosenId] = useState(options.find((v) => v.reasons.length === 0)?.id ?? "");
  const chosen = options.find((v) => v.id === chosenId) ?? null;
  const refused = reasonsOf(error?.details);
  if (options.length === 0) return <p className="text-sm text-muted-fg">{t("none")}</p>;
  const dropsCandidate = !!(chosen && a.candidate && !semver.gt(a.candidate.version, chosen.version));
  const stable = a.stable?.version ?? "—";
  return (
    <div className="space-y-3" data-testid="replace-stable">
      <p className="text-sm text-muted-fg">{t("explain")}</p>
      {refused.length > 0 ? (
        <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
          <p className="font-medium">{ta("refused")}</p>
          <ReasonList reasons={refused} className="mt-1" />
        </div>
      ) : (
        <FormError message={error?.message} />
      )}
      <Field id={`${uid}-version`} label={t("version")}>
        <Select id={`${uid}-version`} value={chosenId} disabled={pending} onChange={(e) => setChosenId(e.target.value)} className="sm:max-w-xs">
          <option value="">{t("choose")}</option>
          {options.map((v) => (
            <option key={v.id} value={v.id}>
              {v.version}
              {v.reasons.length ? " ⚠" : ""}
            </option>
          ))}
        </Select>
      </Field>
      {chosen && chosen.reasons.length > 0 && (
        <div className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning">
          <p>{ta("doesNotFit")}</p>
          <ReasonList reasons={chosen.reasons} />
        </div>
      )}
      <ConfirmButton
        size="md"
        variant="primary"
        label={t("submit")}
        disabled={pending || !chosen}
        title={t("confirmTitle", { version: chosen?.version ?? "", host: a.hostName })}
        body={
          <>
            <p>{t("confirmBody", { version: chosen?.version ?? "", host: a.hostName, stable })}</p>
            {dropsCandidate && <p className="mt-2">{t("dropsCandidate", { candidate: a.candidate!.version, version: chosen!.version })}</p>}
          </>
        }
        confirmLabel={t("submit")}
        cancelLabel={tc("cancel")}
        onConfirm={() =>
          chosen &&
          run(() =>
            updateAssignmentAction(org, { id: a.id, revision: a.revision, stableVersionId: chosen.id, ...(dropsCandidate ? { candidateVersionId: null } : {}) }),
          )
        }
      />
    </div>
  );
}
