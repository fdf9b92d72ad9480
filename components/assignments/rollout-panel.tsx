"use client";
// Every rollout action for one assignment. Each sends the revision the page shows, so acting on a page that
// someone else has changed meanwhile is refused (409) instead of undoing their change.
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { promoteAction, rollbackAction, unassignAction, updateAssignmentAction } from "@/lib/actions/assignments";
import type { ActionError } from "@/lib/actions/safe-action";
import { ReasonList, reasonsOf, type ReasonLike } from "./reasons";

export const QUICK_STEPS = [1, 5, 10, 25, 50, 100] as const;

export type RolloutPanelAssignment = {
  id: string;
  revision: number;
  hostName: string;
  miniProgramName: string;
  rolloutPercent: number;
  paused: boolean;
  stable: { version: string } | null;
  candidate: { id: string; version: string } | null;
  previousStable: { version: string; status: string } | null;
};

function ActionErrorBox({ error }: { error: ActionError | null }) {
  const t = useTranslations("assignments.assign");
  const reasons = reasonsOf(error?.details);
  if (!error) return null;
  if (reasons.length === 0) return <FormError message={error.fieldErrors ? Object.values(error.fieldErrors).flat().join(" ") || error.message : error.message} />;
  return (
    <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
      <p className="font-medium">{t("refused")}</p>
      <ReasonList reasons={reasons} className="mt-1" />
    </div>
  );
}

export function RolloutPanel({
  org,
  listHref,
  assignment: a,
  candidates,
  canManage,
}: {
  org: string;
  listHref: string;
  assignment: RolloutPanelAssignment;
  candidates: { id: string; version: string; reasons: ReasonLike[] }[];
  canManage: boolean;
}) {
  const t = useTranslations("assignments.rollout");
  const tr = useTranslations("release");
  const tc = useTranslations("common");
  const uid = useId();
  const router = useRouter();
  const { pending, error, run } = useOrgAction();
  const [leaving, startLeaving] = useTransition();
  const [unassignError, setUnassignError] = useState<ActionError | null>(null);
  // The newest version that fits and is not already the candidate is the likely next one.
  const suggested = candidates.find((c) => c.reasons.length === 0 && c.id !== a.candidate?.id)?.id ?? "";
  const [candidateId, setCandidateId] = useState(suggested);
  const [percent, setPercent] = useState(a.rolloutPercent);
  // A change (ours or someone else's, after a refresh) brings a new revision: the controls start from it again.
  const [shownRevision, setShownRevision] = useState(a.revision);
  if (shownRevision !== a.revision) {
    setShownRevision(a.revision);
    setPercent(a.rolloutPercent);
    setCandidateId(suggested);
  }
  const busy = pending || leaving;
  const rev = { id: a.id, revision: a.revision };
  const chosen = candidates.find((c) => c.id === candidateId) ?? null;
  const canRollBack = !!a.candidate || (!!a.previousStable && a.previousStable.status === "approved");
  const stable = a.stable?.version ?? "—";

  if (!canManage) return null;

  return (
    <div className="space-y-5">
      <ActionErrorBox error={error ?? unassignError} />

      <div className="space-y-2">
        <Field id={`${uid}-candidate`} label={t("candidate")} hint={candidates.length ? t("candidateStarts") : undefined}>
          {candidates.length === 0 ? (
            <p className="text-sm text-muted-fg">{t("noNewer")}</p>
          ) : (
            <div className="flex flex-col gap-2 sm:flex-row">
              <Select id={`${uid}-candidate`} value={candidateId} disabled={busy} onChange={(e) => setCandidateId(e.target.value)} className="sm:max-w-xs">
                <option value="">{t("chooseCandidate")}</option>
                {candidates.map((c) => (
                  <option key={c.id} value={c.id} disabled={c.id === a.candidate?.id}>
                    {c.version}
                    {c.reasons.length ? " ⚠" : ""}
                  </option>
                ))}
              </Select>
              <Button
                disabled={busy || !chosen}
                onClick={() => chosen && run(() => updateAssignmentAction(org, { ...rev, candidateVersionId: chosen.id }))}
              >
                {t("setCandidate")}
              </Button>
            </div>
          )}
        </Field>
        {chosen && chosen.reasons.length > 0 && (
          <div className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning">
            <ReasonList reasons={chosen.reasons} />
          </div>
        )}
      </div>

      {a.candidate && (
        <fieldset className="space-y-3" disabled={busy}>
          <legend className="text-sm font-medium">{t("percent")}</legend>
          <p className="text-xs text-muted-fg">{t("percentHint")}</p>
          <div className="flex flex-wrap items-center gap-3">
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={percent}
              onChange={(e) => setPercent(Number(e.target.value))}
              aria-label={t("percent")}
              className="h-2 w-full max-w-sm cursor-pointer accent-[var(--primary)]"
            />
            <div className="flex items-center gap-1">
              <Input
                type="number"
                min={0}
                max={100}
                step={1}
                inputMode="numeric"
                value={percent}
                onChange={(e) => setPercent(Math.max(0, Math.min(100, Math.round(Number(e.target.value) || 0))))}
                aria-label={t("percent")}
                className="w-20 tabular-nums"
                data-testid="rollout-input"
              />
              <span className="text-sm">%</span>
            </div>
          </div>
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label={t("quickSteps")}>
            {QUICK_STEPS.map((p) => (
              <Button key={p} size="sm" variant={p === percent ? "primary" : "secondary"} aria-pressed={p === percent} onClick={() => setPercent(p)}>
                {t("step", { percent: p })}
              </Button>
            ))}
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <Button variant="primary" disabled={busy || percent === a.rolloutPercent} onClick={() => run(() => updateAssignmentAction(org, { ...rev, rolloutPercent: percent }))}>
              {t("apply", { percent })}
            </Button>
            <span className="text-sm text-muted-fg" data-testid="rollout-current">
              {a.paused ? tr("currentPaused", { percent: a.rolloutPercent }) : t("current", { percent: a.rolloutPercent })}
            </span>
          </div>
        </fieldset>
      )}

      <div className="space-y-2 border-t border-border pt-4">
        <h3 className="text-sm font-medium">{t("actions")}</h3>
        {a.candidate && a.paused && <p className="text-sm text-warning">{t("pausedNote")}</p>}
        <div className="flex flex-wrap gap-2">
          {a.candidate && (
            <Button disabled={busy} onClick={() => run(() => updateAssignmentAction(org, { ...rev, paused: !a.paused }))}>
              {a.paused ? t("resume") : t("pause")}
            </Button>
          )}
          {a.candidate && (
            <ConfirmButton
              size="md"
              variant="primary"
              label={t("promote")}
              title={t("promoteTitle", { version: a.candidate.version })}
              body={t("promoteBody", { version: a.candidate.version, host: a.hostName, stable })}
              confirmLabel={t("promote")}
              cancelLabel={tc("cancel")}
              disabled={busy}
              onConfirm={() => run(() => promoteAction(org, rev))}
            />
          )}
          <ConfirmButton
            size="md"
            variant="danger"
            label={t("rollback")}
            title={a.candidate ? t("rollbackCandidateTitle", { version: a.candidate.version }) : t("rollbackStableTitle", { version: a.previousStable?.version ?? "" })}
            body={
              a.candidate
                ? t("rollbackCandidateBody", { host: a.hostName, stable })
                : t("rollbackStableBody", { version: a.previousStable?.version ?? "", host: a.hostName, stable })
            }
            confirmLabel={t("rollback")}
            cancelLabel={tc("cancel")}
            disabled={busy || !canRollBack}
            onConfirm={() => run(() => rollbackAction(org, rev))}
          />
          <ConfirmButton
            size="md"
            variant="danger"
            label={t("unassign")}
            title={t("unassignTitle", { name: a.miniProgramName, host: a.hostName })}
            body={t("unassignBody")}
            confirmLabel={t("unassign")}
            cancelLabel={tc("cancel")}
            disabled={busy}
            onConfirm={() =>
              startLeaving(async () => {
                setUnassignError(null);
                const res = await unassignAction(org, rev);
                if (res.ok) router.replace(listHref);
                else setUnassignError(res.error);
              })
            }
          />
        </div>
        {!canRollBack && (
          <p className="text-xs text-muted-fg">
            {a.previousStable && a.previousStable.status !== "approved" ? t("previousRevoked", { version: a.previousStable.version }) : t("nothingToRollBack")}
          </p>
        )}
      </div>
    </div>
  );
}
