"use client";
// The new-release form: a mini-program, one of its approved versions, and rings of host apps in order, each with
// an optional ramp-up schedule and guardrail. The server checks every host of every ring again and answers each
// reason a host cannot take the version; they are shown here with the host they concern.
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { useReasonText, type ReasonLike } from "@/components/assignments/reasons";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { createReleaseAction } from "@/lib/actions/releases";
import type { ReleaseFormOptions } from "@/lib/services/releases";

type RingDraft = {
  key: number;
  name: string;
  hostIds: string[];
  schedule: boolean;
  steps: string;
  everyMinutes: string;
  promoteAtEnd: boolean;
  guardrail: boolean;
  maxErrorRate: string;
  minLaunches: string;
  windowMinutes: string;
};

let nextKey = 0;
const newRing = (name: string): RingDraft => ({
  key: nextKey++,
  name,
  hostIds: [],
  schedule: false,
  steps: "1, 5, 25, 50, 100",
  everyMinutes: "60",
  promoteAtEnd: true,
  guardrail: true,
  maxErrorRate: "5",
  minLaunches: "100",
  windowMinutes: "60",
});

/** "1, 5, 25" → [1, 5, 25]; anything else is left for the server to refuse with its message. */
const parseSteps = (s: string): number[] =>
  s
    .split(/[\s,，、]+/)
    .filter(Boolean)
    .map((x) => Number(x.replace(/%$/, "")));

export function ReleaseForm({ org, options }: { org: string; options: ReleaseFormOptions }) {
  const t = useTranslations("releases.form");
  const uid = useId();
  const router = useRouter();
  const reasonText = useReasonText();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const defaultNames = t("defaultRings").split(",");
  const [appId, setAppId] = useState(options.miniPrograms[0]?.appId ?? "");
  const mp = options.miniPrograms.find((m) => m.appId === appId);
  const [versionId, setVersionId] = useState(mp?.versions[0]?.id ?? "");
  const [rings, setRings] = useState<RingDraft[]>(() => [newRing(defaultNames[0] ?? "internal"), newRing(defaultNames[1] ?? "beta")]);
  const hostName = new Map(options.hosts.map((h) => [h.id, h.name]));
  const taken = (hostId: string, ringKey: number) => rings.some((r) => r.key !== ringKey && r.hostIds.includes(hostId));
  const update = (key: number, patch: Partial<RingDraft>) => setRings((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const reasons = (Array.isArray((error?.details as { reasons?: unknown } | undefined)?.reasons) ? (error!.details as { reasons: ReasonLike[] }).reasons : []) as (ReasonLike & {
    hostId?: string;
  })[];

  if (options.miniPrograms.length === 0) return <p className="text-sm text-muted-fg">{t("noApproved")}</p>;

  const submit = () =>
    run(
      () =>
        createReleaseAction(org, {
          appId,
          versionId,
          rings: rings.map((r) => ({
            name: r.name,
            hostIds: r.hostIds,
            schedule: r.schedule ? { steps: parseSteps(r.steps), everyMinutes: Number(r.everyMinutes), promoteAtEnd: r.promoteAtEnd } : null,
            guardrail: r.guardrail ? { maxErrorRate: Number(r.maxErrorRate) / 100, minLaunches: Number(r.minLaunches), windowMinutes: Number(r.windowMinutes) } : null,
          })),
        }),
      (data) => router.push(`/o/${org}/releases/${data.id}`),
    );

  const err = (path: string) => fieldErrors[path];
  const ringErr = (i: number, prefix: string) =>
    Object.entries(fieldErrors)
      .filter(([k]) => k.startsWith(`rings.${i}.${prefix}`))
      .flatMap(([, v]) => v);

  return (
    <form
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${uid}-mp`} label={t("miniProgram")} error={err("appId")}>
          <Select
            id={`${uid}-mp`}
            value={appId}
            onChange={(e) => {
              setAppId(e.target.value);
              setVersionId(options.miniPrograms.find((m) => m.appId === e.target.value)?.versions[0]?.id ?? "");
            }}
          >
            {options.miniPrograms.map((m) => (
              <option key={m.appId} value={m.appId}>
                {m.name} ({m.appId})
              </option>
            ))}
          </Select>
        </Field>
        <Field id={`${uid}-version`} label={t("version")} error={err("versionId")}>
          <Select id={`${uid}-version`} value={versionId} onChange={(e) => setVersionId(e.target.value)}>
            {(mp?.versions ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {v.version}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold">{t("rings")}</legend>
        <p className="text-xs text-muted-fg">{t("ringsHint")}</p>
        <ol className="space-y-4">
          {rings.map((ring, i) => (
            <li key={ring.key} className="space-y-3 rounded-lg border border-border p-4" data-testid="ring-editor">
              <div className="flex flex-wrap items-end justify-between gap-3">
                <div className="min-w-48 flex-1">
                  <Field id={`${uid}-ring-${ring.key}`} label={t("ringName", { n: i + 1 })} error={ringErr(i, "name")}>
                    <Input id={`${uid}-ring-${ring.key}`} value={ring.name} maxLength={64} onChange={(e) => update(ring.key, { name: e.target.value })} />
                  </Field>
                </div>
                {rings.length > 1 && (
                  <Button size="sm" onClick={() => setRings((rs) => rs.filter((r) => r.key !== ring.key))}>
                    {t("removeRing", { n: i + 1 })}
                  </Button>
                )}
              </div>
              <fieldset>
                <legend className="mb-1 text-sm font-medium">{t("hosts", { n: i + 1 })}</legend>
                <div className="grid gap-1 sm:grid-cols-2">
                  {options.hosts.map((h) => (
                    <label key={h.id} className={`flex items-center gap-2 text-sm ${taken(h.id, ring.key) ? "text-muted-fg" : ""}`}>
                      <input
                        type="checkbox"
                        checked={ring.hostIds.includes(h.id)}
                        disabled={taken(h.id, ring.key)}
                        onChange={(e) => update(ring.key, { hostIds: e.target.checked ? [...ring.hostIds, h.id] : ring.hostIds.filter((x) => x !== h.id) })}
                      />
                      {h.name}
                    </label>
                  ))}
                </div>
                {ringErr(i, "hostIds").length > 0 && (
                  <p role="alert" className="mt-1 text-xs text-danger">
                    {ringErr(i, "hostIds").join(" ")}
                  </p>
                )}
              </fieldset>
              <div className="grid gap-4 lg:grid-cols-2">
                <fieldset className="space-y-2">
                  <label className="flex items-center gap-2 text-sm font-medium">
                    <input type="checkbox" checked={ring.schedule} onChange={(e) => update(ring.key, { schedule: e.target.checked })} />
                    {t("useSchedule")}
                  </label>
                  {ring.schedule && (
                    <div className="grid gap-2 sm:grid-cols-2">
                      <Field id={`${uid}-steps-${ring.key}`} label={t("steps")} hint={t("stepsHint")} error={ringErr(i, "schedule.steps")}>
                        <Input id={`${uid}-steps-${ring.key}`} value={ring.steps} onChange={(e) => update(ring.key, { steps: e.target.value })} />
                      </Field>
                      <Field id={`${uid}-every-${ring.key}`} label={t("everyMinutes")} error={ringErr(i, "schedule.everyMinutes")}>
                        <Input id={`${uid}-every-${ring.key}`} type="number" min={1} max={10080} value={ring.everyMinutes} onChange={(e) => update(ring.key, { everyMinutes: e.target.value })} />
                      </Field>
                      <label className="flex items-center gap-2 text-sm sm:col-span-2">
                        <input type="checkbox" checked={ring.promoteAtEnd} onChange={(e) => update(ring.key, { promoteAtEnd: e.target.checked })} />
                        {t("promoteAtEnd")}
                      </label>
                    </div>
                  )}
                </fieldset>
                <fieldset className="space-y-2">
                  <label className="flex items-center gap-2 text-sm font-medium">
                    <input type="checkbox" checked={ring.guardrail} onChange={(e) => update(ring.key, { guardrail: e.target.checked })} />
                    {t("useGuardrail")}
                  </label>
                  {ring.guardrail && (
                    <div className="grid gap-2 sm:grid-cols-3">
                      <Field id={`${uid}-rate-${ring.key}`} label={t("maxErrorRate")} error={ringErr(i, "guardrail.maxErrorRate")}>
                        <Input id={`${uid}-rate-${ring.key}`} type="number" min={0} max={100} step="0.1" value={ring.maxErrorRate} onChange={(e) => update(ring.key, { maxErrorRate: e.target.value })} />
                      </Field>
                      <Field id={`${uid}-min-${ring.key}`} label={t("minLaunches")} error={ringErr(i, "guardrail.minLaunches")}>
                        <Input id={`${uid}-min-${ring.key}`} type="number" min={1} value={ring.minLaunches} onChange={(e) => update(ring.key, { minLaunches: e.target.value })} />
                      </Field>
                      <Field id={`${uid}-window-${ring.key}`} label={t("windowMinutes")} error={ringErr(i, "guardrail.windowMinutes")}>
                        <Input id={`${uid}-window-${ring.key}`} type="number" min={1} max={1440} value={ring.windowMinutes} onChange={(e) => update(ring.key, { windowMinutes: e.target.value })} />
                      </Field>
                    </div>
                  )}
                </fieldset>
              </div>
            </li>
          ))}
        </ol>
        {rings.length < 10 && (
          <Button size="sm" onClick={() => setRings((rs) => [...rs, newRing(defaultNames[rs.length] ?? `ring ${rs.length + 1}`)])}>
            {t("addRing")}
          </Button>
        )}
      </fieldset>

      {reasons.length > 0 ? (
        <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
          <p className="font-medium">{t("refused")}</p>
          <ul className="mt-1 list-disc pl-5">
            {reasons.map((r, i) => {
              const host = r.hostId ? hostName.get(r.hostId) : undefined;
              const text = reasonText(r);
              return <li key={i}>{host && text !== r.message ? `${host}: ${text}` : text}</li>;
            })}
          </ul>
        </div>
      ) : (
        error && !Object.keys(fieldErrors).some((k) => k.startsWith("rings.") || k === "appId" || k === "versionId") && <FormError message={error.message} />
      )}
      <Button type="submit" variant="primary" disabled={pending || !versionId}>
        {t("submit")}
      </Button>
    </form>
  );
}
