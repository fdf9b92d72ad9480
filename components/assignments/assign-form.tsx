"use client";
// Assigns an approved version, from a host's page (choose the mini-program) or a mini-program's page (choose the
// host). Each version's fit with the host's policy is shown before submitting; the server checks again and
// answers a refusal with every reason, which is shown the same way.
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Select } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { assignAction } from "@/lib/actions/assignments";
import { AskForPolicy } from "@/components/permission-requests/ask-button";
import { ReasonList, reasonsOf, type ReasonLike } from "./reasons";

export type AssignTarget = {
  hostId: string;
  appId: string;
  label: string;
  /** Why it cannot be chosen (already assigned, host disabled is only a note); null when it can. */
  note: "alreadyAssigned" | "disabledHost" | null;
  versions: { id: string; version: string; reasons: ReasonLike[] }[];
  /** The host's name, when `label` names the mini-program (assigning from a host's page). */
  hostName?: string;
};

/**
 * `canAssign` false: a developer's check of a version against a host's policy, without the assign button.
 * `canRequest`: where a version does not fit, offer to ask the host's admins for what is missing (CONTRACT §12).
 */
export function AssignForm({
  org,
  mode,
  targets,
  initial,
  canAssign = true,
  canRequest = false,
}: {
  org: string;
  mode: "host" | "miniProgram";
  targets: AssignTarget[];
  /** Chosen when the form opens (a recommendation's "Assign"), when that target can be chosen. */
  initial?: { appId?: string; hostId?: string; versionId?: string };
  canAssign?: boolean;
  canRequest?: boolean;
}) {
  const t = useTranslations("assignments.assign");
  const uid = useId();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const start = initial
    ? targets.find((x) => (initial.appId === undefined || x.appId === initial.appId) && (initial.hostId === undefined || x.hostId === initial.hostId) && x.note !== "alreadyAssigned" && x.versions.length > 0)
    : undefined;
  const [targetKey, setTargetKey] = useState(start ? `${start.hostId}|${start.appId}` : "");
  const [versionId, setVersionId] = useState(
    start ? (start.versions.find((v) => v.id === initial?.versionId)?.id ?? start.versions.find((v) => v.reasons.length === 0)?.id ?? start.versions[0]?.id ?? "") : "",
  );
  const [done, setDone] = useState(false);
  const keyOf = (x: AssignTarget) => `${x.hostId}|${x.appId}`;
  const target = targets.find((x) => keyOf(x) === targetKey) ?? null;
  const version = target?.versions.find((v) => v.id === versionId) ?? null;
  const refused = reasonsOf(error?.details);
  // On a host's page the target is a mini-program: the host is the page's, named by the caller through `hostName`.
  const hostLabel = (x: AssignTarget) => x.hostName ?? x.label;

  if (targets.every((x) => x.versions.length === 0)) return <p className="text-sm text-muted-fg">{t("noneAvailable")}</p>;

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!target || !version) return;
        setDone(false);
        run(
          () => assignAction(org, { hostId: target.hostId, appId: target.appId, versionId: version.id }),
          () => {
            setTargetKey("");
            setVersionId("");
            setDone(true);
          },
        );
      }}
    >
      <p className="text-sm text-muted-fg">{t("intro")}</p>
      {refused.length > 0 ? (
        <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
          <p className="font-medium">{t("refused")}</p>
          <ReasonList reasons={refused} className="mt-1" />
          {canRequest && target && (
            <div className="mt-3 text-fg">
              <AskForPolicy org={org} hostId={target.hostId} hostName={hostLabel(target)} appId={target.appId} reasons={refused} />
            </div>
          )}
        </div>
      ) : (
        <FormError message={Object.keys(fieldErrors).length ? Object.values(fieldErrors).flat().join(" ") : error?.message} />
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${uid}-target`} label={mode === "host" ? t("miniProgram") : t("host")}>
          <Select
            id={`${uid}-target`}
            value={targetKey}
            disabled={pending}
            onChange={(e) => {
              const next = targets.find((x) => keyOf(x) === e.target.value);
              setTargetKey(e.target.value);
              // The newest version that fits is the likely choice.
              setVersionId(next?.versions.find((v) => v.reasons.length === 0)?.id ?? next?.versions[0]?.id ?? "");
              setDone(false);
            }}
          >
            <option value="">{mode === "host" ? t("chooseMiniProgram") : t("chooseHost")}</option>
            {targets.map((x) => (
              <option key={keyOf(x)} value={keyOf(x)} disabled={x.note === "alreadyAssigned" || x.versions.length === 0}>
                {x.note === "alreadyAssigned" ? t("alreadyAssigned", { name: x.label }) : x.note === "disabledHost" ? t("disabledHost", { name: x.label }) : x.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field id={`${uid}-version`} label={t("version")}>
          <Select id={`${uid}-version`} value={versionId} disabled={pending || !target} onChange={(e) => setVersionId(e.target.value)}>
            <option value="">{t("chooseVersion")}</option>
            {target?.versions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.version}
                {v.reasons.length ? " ⚠" : ""}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {version &&
        (version.reasons.length === 0 ? (
          <p className="text-sm text-success" data-testid="policy-fit">
            {t("fits")}
          </p>
        ) : (
          <div className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning" data-testid="policy-fit">
            <p className="font-medium">{t("doesNotFit")}</p>
            <ReasonList reasons={version.reasons} className="mt-1" />
            {canRequest && target && refused.length === 0 && (
              <div className="mt-3 text-fg">
                <AskForPolicy org={org} hostId={target.hostId} hostName={hostLabel(target)} appId={target.appId} reasons={version.reasons} />
              </div>
            )}
          </div>
        ))}
      {canAssign && (
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={pending || !version}>
            {t("submit")}
          </Button>
          {done && (
            <span role="status" className="text-sm text-success">
              {t("done")}
            </span>
          )}
        </div>
      )}
    </form>
  );
}
