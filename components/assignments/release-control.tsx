"use client";
// Release control on an assignment (CONTRACT §8): targeting rules, the trial version and its testers, the ramp-up
// schedule and the guardrail. Each part saves on its own, with the revision the page shows (a change made meanwhile
// is a 409, never overwritten); the server's field errors land beside their fields.
import { useTranslations } from "next-intl";
import { useId, useState, type ReactNode } from "react";
import { PLATFORMS, type AssignmentRules, type Guardrail, type Platform, type RolloutSchedule } from "@/db/enums";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { updateAssignmentAction } from "@/lib/actions/assignments";
import { ReasonList, reasonsOf, type ReasonLike } from "./reasons";

export type ReleaseControlAssignment = {
  id: string;
  revision: number;
  hasCandidate: boolean;
  rules: AssignmentRules | null;
  trialVersionId: string | null;
  testers: string[];
  schedule: RolloutSchedule | null;
  guardrail: Guardrail | null;
};

export type TrialChoice = { id: string; version: string; status: string; reasons: ReasonLike[] };

/** One id a line (commas and spaces also separate), blanks dropped. */
const idsOf = (text: string) =>
  text
    .split(/[\n,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const stepsOf = (text: string) =>
  text
    .split(/[\s,，、]+/)
    .filter(Boolean)
    .map((x) => Number(x.replace(/%$/, "")));

function Part({ title, hint, children, testId }: { title: string; hint: string; children: ReactNode; testId: string }) {
  return (
    <section className="space-y-3 border-t border-border pt-4 first:border-0 first:pt-0" data-testid={testId}>
      <div>
        <h3 className="text-sm font-semibold">{title}</h3>
        <p className="text-xs text-muted-fg">{hint}</p>
      </div>
      {children}
    </section>
  );
}

/** The save and clear buttons of a part, and its outcome. */
function Actions({ pending, onClear, clearLabel, saved, error }: { pending: boolean; onClear?: () => void; clearLabel: string; saved: boolean; error: string | null }) {
  const tc = useTranslations("common");
  const t = useTranslations("releaseControl");
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={pending}>
          {tc("save")}
        </Button>
        {onClear && (
          <Button size="sm" disabled={pending} onClick={onClear}>
            {clearLabel}
          </Button>
        )}
        <span role="status" className="text-xs text-success">
          {saved ? t("saved") : ""}
        </span>
      </div>
      <FormError message={error} />
    </div>
  );
}

/** Runs one part's PATCH; field errors are read by the caller's paths. */
function usePart(org: string, a: ReleaseControlAssignment) {
  const t = useTranslations("releaseControl");
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [saved, setSaved] = useState(false);
  const save = (patch: Record<string, unknown>) => {
    setSaved(false);
    run(() => updateAssignmentAction(org, { id: a.id, revision: a.revision, ...patch }), () => setSaved(true));
  };
  const at = (prefix: string) =>
    Object.entries(fieldErrors)
      .filter(([k]) => k === prefix || k.startsWith(`${prefix}.`))
      .flatMap(([, v]) => v);
  // A stale page is the one error worth a sentence of its own.
  const general = error && error.code === "conflict" ? t("conflict") : error && Object.keys(fieldErrors).length === 0 && reasonsOf(error.details).length === 0 ? error.message : null;
  return { pending, error, saved, save, at, general };
}

export function ReleaseControl({ org, assignment: a, trialChoices, canManage }: { org: string; assignment: ReleaseControlAssignment; trialChoices: TrialChoice[]; canManage: boolean }) {
  const t = useTranslations("releaseControl");
  if (!canManage) return <ReleaseControlSummary assignment={a} trialChoices={trialChoices} />;
  return (
    <div className="space-y-5">
      <RulesPart org={org} a={a} />
      <TrialPart org={org} a={a} choices={trialChoices} />
      <SchedulePart org={org} a={a} />
      <GuardrailPart org={org} a={a} />
      <p className="text-xs text-muted-fg">{t("auditNote")}</p>
    </div>
  );
}

function RulesPart({ org, a }: { org: string; a: ReleaseControlAssignment }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [platforms, setPlatforms] = useState<Platform[]>(a.rules?.platforms ?? []);
  const [range, setRange] = useState(a.rules?.sdkVersion ?? "");
  const [users, setUsers] = useState((a.rules?.users ?? []).join("\n"));
  const userCount = idsOf(users).length;
  return (
    <Part title={t("rules.title")} hint={t("rules.hint")} testId="rules-editor">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const ids = idsOf(users);
          const rules: AssignmentRules = {};
          if (platforms.length) rules.platforms = platforms;
          if (range.trim()) rules.sdkVersion = range.trim();
          if (ids.length) rules.users = ids;
          part.save({ rules: Object.keys(rules).length ? rules : null });
        }}
      >
        <fieldset>
          <legend className="mb-1 text-sm font-medium">{t("rules.platforms")}</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {PLATFORMS.map((p) => (
              <label key={p} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" checked={platforms.includes(p)} onChange={(e) => setPlatforms(e.target.checked ? [...platforms, p] : platforms.filter((x) => x !== p))} />
                {t(`platform.${p}`)}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-muted-fg">{t("rules.platformsHint")}</p>
          {part.at("rules.platforms").length > 0 && (
            <p role="alert" className="mt-1 text-xs text-danger">
              {part.at("rules.platforms").join(" ")}
            </p>
          )}
        </fieldset>
        <Field id={`${uid}-range`} label={t("rules.sdkVersion")} hint={t("rules.sdkVersionHint")} error={part.at("rules.sdkVersion")}>
          <Input id={`${uid}-range`} value={range} placeholder=">=3.1.0" maxLength={256} spellCheck={false} aria-invalid={part.at("rules.sdkVersion").length > 0} onChange={(e) => setRange(e.target.value)} />
        </Field>
        <Field id={`${uid}-users`} label={t("rules.users", { count: userCount })} hint={t("rules.usersHint")} error={part.at("rules.users")}>
          <Textarea id={`${uid}-users`} rows={3} value={users} spellCheck={false} className="font-mono text-xs" onChange={(e) => setUsers(e.target.value)} />
        </Field>
        <Actions
          pending={part.pending}
          saved={part.saved}
          error={part.general}
          clearLabel={t("rules.clear")}
          onClear={
            a.rules
              ? () => {
                  setPlatforms([]);
                  setRange("");
                  setUsers("");
                  part.save({ rules: null });
                }
              : undefined
          }
        />
      </form>
    </Part>
  );
}

function TrialPart({ org, a, choices }: { org: string; a: ReleaseControlAssignment; choices: TrialChoice[] }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [trialId, setTrialId] = useState(a.trialVersionId ?? "");
  const [testers, setTesters] = useState(a.testers.join("\n"));
  const count = idsOf(testers).length;
  const chosen = choices.find((c) => c.id === trialId);
  const refused = reasonsOf(part.error?.details);
  return (
    <Part title={t("trial.title")} hint={t("trial.hint")} testId="trial-editor">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          part.save({ trialVersionId: trialId || null, testers: idsOf(testers) });
        }}
      >
        <Field id={`${uid}-trial`} label={t("trial.version")} error={part.at("trialVersionId")}>
          <Select id={`${uid}-trial`} value={trialId} onChange={(e) => setTrialId(e.target.value)}>
            <option value="">{t("trial.none")}</option>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {t("trial.option", { version: c.version, status: t(`status.${c.status}`) })}
                {c.reasons.length ? ` — ${t("trial.outsidePolicy")}` : ""}
              </option>
            ))}
          </Select>
        </Field>
        {chosen && chosen.reasons.length > 0 && <ReasonList reasons={chosen.reasons} className="text-xs text-warning" />}
        <Field id={`${uid}-testers`} label={t("trial.testers", { count })} hint={t("trial.testersHint")} error={part.at("testers")}>
          <Textarea id={`${uid}-testers`} rows={3} value={testers} spellCheck={false} className="font-mono text-xs" onChange={(e) => setTesters(e.target.value)} />
        </Field>
        {refused.length > 0 && (
          <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
            <ReasonList reasons={refused} />
          </div>
        )}
        <Actions
          pending={part.pending}
          saved={part.saved}
          error={part.general}
          clearLabel={t("trial.clear")}
          onClear={
            a.trialVersionId
              ? () => {
                  setTrialId("");
                  part.save({ trialVersionId: null });
                }
              : undefined
          }
        />
      </form>
    </Part>
  );
}

function SchedulePart({ org, a }: { org: string; a: ReleaseControlAssignment }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [steps, setSteps] = useState((a.schedule?.steps ?? [1, 5, 25, 50, 100]).join(", "));
  const [every, setEvery] = useState(String(a.schedule?.everyMinutes ?? 60));
  const [promote, setPromote] = useState(a.schedule?.promoteAtEnd ?? true);
  return (
    <Part title={t("schedule.title")} hint={a.hasCandidate ? t("schedule.hint") : t("schedule.needsCandidate")} testId="schedule-editor">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          part.save({ schedule: { steps: stepsOf(steps), everyMinutes: Number(every), promoteAtEnd: promote } });
        }}
      >
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id={`${uid}-steps`} label={t("schedule.steps")} hint={t("schedule.stepsHint")} error={part.at("schedule.steps")}>
            <Input id={`${uid}-steps`} value={steps} inputMode="numeric" onChange={(e) => setSteps(e.target.value)} />
          </Field>
          <Field id={`${uid}-every`} label={t("schedule.every")} error={part.at("schedule.everyMinutes")}>
            <Input id={`${uid}-every`} type="number" min={1} max={10080} value={every} onChange={(e) => setEvery(e.target.value)} />
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={promote} onChange={(e) => setPromote(e.target.checked)} />
          {t("schedule.promoteAtEnd")}
        </label>
        <Actions pending={part.pending} saved={part.saved} error={part.general} clearLabel={t("schedule.clear")} onClear={a.schedule ? () => part.save({ schedule: null }) : undefined} />
      </form>
    </Part>
  );
}

function GuardrailPart({ org, a }: { org: string; a: ReleaseControlAssignment }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [rate, setRate] = useState(String(a.guardrail ? +(a.guardrail.maxErrorRate * 100).toFixed(4) : 5));
  const [min, setMin] = useState(String(a.guardrail?.minLaunches ?? 100));
  const [win, setWin] = useState(String(a.guardrail?.windowMinutes ?? 60));
  return (
    <Part title={t("guardrail.title")} hint={t("guardrail.hint")} testId="guardrail-editor">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          part.save({ guardrail: { maxErrorRate: Number(rate) / 100, minLaunches: Number(min), windowMinutes: Number(win) } });
        }}
      >
        <div className="grid gap-3 sm:grid-cols-3">
          <Field id={`${uid}-rate`} label={t("guardrail.maxErrorRate")} error={part.at("guardrail.maxErrorRate")}>
            <Input id={`${uid}-rate`} type="number" min={0} max={100} step="any" value={rate} onChange={(e) => setRate(e.target.value)} />
          </Field>
          <Field id={`${uid}-min`} label={t("guardrail.minLaunches")} error={part.at("guardrail.minLaunches")}>
            <Input id={`${uid}-min`} type="number" min={1} value={min} onChange={(e) => setMin(e.target.value)} />
          </Field>
          <Field id={`${uid}-window`} label={t("guardrail.window")} error={part.at("guardrail.windowMinutes")}>
            <Input id={`${uid}-window`} type="number" min={1} max={1440} value={win} onChange={(e) => setWin(e.target.value)} />
          </Field>
        </div>
        <Actions pending={part.pending} saved={part.saved} error={part.general} clearLabel={t("guardrail.clear")} onClear={a.guardrail ? () => part.save({ guardrail: null }) : undefined} />
      </form>
    </Part>
  );
}

/** What a reviewer or analyst sees: the settings, in words. */
function ReleaseControlSummary({ assignment: a, trialChoices }: { assignment: ReleaseControlAssignment; trialChoices: TrialChoice[] }) {
  const t = useTranslations("releaseControl");
  const trial = trialChoices.find((c) => c.id === a.trialVersionId);
  const rows: [string, string][] = [
    [
      t("rules.title"),
      a.rules
        ? [
            a.rules.platforms?.length ? a.rules.platforms.map((p) => t(`platform.${p}`)).join(", ") : null,
            a.rules.sdkVersion ? `SDK ${a.rules.sdkVersion}` : null,
            a.rules.users?.length ? t("rules.users", { count: a.rules.users.length }) : null,
          ]
            .filter(Boolean)
            .join(" · ")
        : t("summary.none"),
    ],
    [t("trial.title"), trial ? `${trial.version} · ${t("trial.testers", { count: a.testers.length })}` : t("summary.none")],
    [t("schedule.title"), a.schedule ? t("summary.schedule", { steps: a.schedule.steps.join(" → "), minutes: a.schedule.everyMinutes }) : t("summary.none")],
    [
      t("guardrail.title"),
      a.guardrail ? t("summary.guardrail", { rate: +(a.guardrail.maxErrorRate * 100).toFixed(4), launches: a.guardrail.minLaunches, minutes: a.guardrail.windowMinutes }) : t("summary.none"),
    ],
  ];
  return (
    <dl className="divide-y divide-border text-sm" data-testid="release-control-summary">
      {rows.map(([k, v]) => (
        <div key={k} className="flex flex-wrap justify-between gap-2 py-2">
          <dt className="text-muted-fg">{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
