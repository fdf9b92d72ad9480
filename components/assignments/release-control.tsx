"use client";
// Release control on an assignment (CONTRACT §8): targeting rules, the trial version and its testers, the ramp-up
// schedule and the guardrail. Each part saves on its own through updateAssignmentAction, with the revision the page
// shows (a change made meanwhile is a 409 with a reload, never overwritten); the server's field errors land beside
// their fields, in the reader's language.
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useRef, useState, type ReactNode } from "react";
import { PLATFORMS, type AssignmentRules, type Guardrail, type Platform, type RolloutSchedule } from "@/db/enums";
import { Button } from "@/components/ui/button";
import { DateTime } from "@/components/ui/datetime";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/form";
import { useOrgAction } from "@/components/use-org-action";
import { updateAssignmentAction } from "@/lib/actions/assignments";
import type { ActionError } from "@/lib/actions/safe-action";
import { ReasonList, reasonsOf, type ReasonLike } from "./reasons";

/** CONTRACT §8's limits (lib/rollout/rules.ts checks them on the server). */
export const MAX_RULE_USERS = 1_000;
export const MAX_TESTERS = 500;

export type ReleaseControlAssignment = {
  id: string;
  revision: number;
  hasCandidate: boolean;
  rolloutPercent: number;
  paused: boolean;
  rules: AssignmentRules | null;
  trialVersionId: string | null;
  testers: string[];
  schedule: RolloutSchedule | null;
  nextStepAt: string | null;
  guardrail: Guardrail | null;
};

export type TrialChoice = { id: string; version: string; status: string; reasons: ReasonLike[] };

/** One id a line, blanks dropped, each once. */
export const idsOf = (text: string): string[] => [...new Set(text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean))];

/** "1, 5, 25" or "1 5 25%" → [1, 5, 25]; anything else becomes NaN, which the server refuses beside the field. */
export const stepsOf = (text: string): number[] =>
  text
    .split(/[\s,，、]+/)
    .filter(Boolean)
    .map((x) => Number(x.replace(/[%％]$/, "")));

/** An empty field is no number at all (not 0, which is a valid ceiling), so the server says what is missing. */
const numberOf = (text: string): number => (text.trim() === "" ? Number.NaN : Number(text));

/** A rate as a percentage without float noise: 0.025 → "2.5". */
export const percentOf = (rate: number): string => String(+(rate * 100).toFixed(4));

// The server's field errors are English; each field's one localized sentence says what that field takes.
const ERROR_KEYS: [RegExp, string][] = [
  [/^rules\.platforms/, "platforms"],
  [/^rules\.sdkVersion/, "sdkVersion"],
  [/^rules\.users\.\d+/, "userId"],
  [/^rules\.users$/, "usersTooMany"],
  [/^testers\.\d+/, "userId"],
  [/^testers$/, "testersTooMany"],
  [/^trialVersionId/, "trialVersion"],
  [/^schedule\.steps/, "steps"],
  [/^schedule\.everyMinutes/, "everyMinutes"],
  [/^guardrail\.maxErrorRate/, "maxErrorRate"],
  [/^guardrail\.minLaunches/, "minLaunches"],
  [/^guardrail\.windowMinutes/, "windowMinutes"],
];

/** Whether a 409 means the page is stale (someone else changed the assignment): it then carries the revision. */
function isStale(error: ActionError | null): boolean {
  const d = error?.details;
  return error?.code === "conflict" && !!d && typeof d === "object" && "revision" in d;
}

function Part({ title, hint, children, testId }: { title: string; hint: ReactNode; children: ReactNode; testId: string }) {
  const id = useId();
  return (
    <section className="space-y-3 border-t border-border pt-5 first:border-0 first:pt-0" data-testid={testId} aria-labelledby={id}>
      <div className="space-y-0.5">
        <h3 id={id} className="text-sm font-semibold">
          {title}
        </h3>
        <div className="text-xs text-muted-fg">{hint}</div>
      </div>
      {children}
    </section>
  );
}

/** Runs one part's PATCH and reads its outcome: field errors by path, a stale page, or a general message. */
function usePart(org: string, a: PartAssignment) {
  const t = useTranslations("releaseControl");
  const router = useRouter();
  const { pending, error, fieldErrors, run } = useOrgAction();
  const [saved, setSaved] = useState(false);
  const save = (patch: Record<string, unknown>) => {
    setSaved(false);
    run(
      () => updateAssignmentAction(org, { id: a.id, revision: a.revision, ...patch }),
      (data) => {
        a.onSaved(data.revision);
        setSaved(true);
      },
    );
  };
  /** The localized errors of the fields under `prefix`. */
  const at = (prefix: string): string[] => {
    const out = new Set<string>();
    for (const [path, messages] of Object.entries(fieldErrors)) {
      if (path !== prefix && !path.startsWith(`${prefix}.`)) continue;
      const key = ERROR_KEYS.find(([re]) => re.test(path))?.[1];
      if (key) out.add(t(`errors.${key}`));
      else for (const m of messages) out.add(m);
    }
    return [...out];
  };
  // A stale page's note goes once the page is reloaded; the fields keep what was typed, to be saved again.
  const [reloaded, setReloaded] = useState<ActionError | null>(null);
  const stale = isStale(error) && error !== reloaded;
  const general = error && !isStale(error) && Object.keys(fieldErrors).length === 0 && reasonsOf(error.details).length === 0 ? error.message : null;
  const reload = () => {
    setReloaded(error);
    router.refresh();
  };
  return { pending, error, saved, save, at, stale, reload, general };
}

/** The save and clear buttons of a part, and its outcome. */
function Actions({ part, onClear, clearLabel, disabled }: { part: ReturnType<typeof usePart>; onClear?: () => void; clearLabel: string; disabled?: boolean }) {
  const tc = useTranslations("common");
  const t = useTranslations("releaseControl");
  const saveRef = useRef<HTMLButtonElement>(null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button ref={saveRef} type="submit" size="sm" variant="primary" disabled={part.pending || disabled}>
          {tc("save")}
        </Button>
        {onClear && (
          <Button size="sm" disabled={part.pending} onClick={onClear}>
            {clearLabel}
          </Button>
        )}
        <span role="status" className="text-xs text-success">
          {part.saved ? t("saved") : ""}
        </span>
      </div>
      {part.stale && (
        <div role="alert" data-testid="stale" className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
          <span>{t("conflict")}</span>
          <Button
            size="sm"
            onClick={() => {
              part.reload();
              // The note and its button go away: focus moves to Save, the next thing to press.
              saveRef.current?.focus();
            }}
          >
            {t("reload")}
          </Button>
        </div>
      )}
      <FormError message={part.general} />
    </div>
  );
}

/** A live count of the ids in a list against its limit. */
function Counter({ id, count, max }: { id: string; count: number; max: number }) {
  const t = useTranslations("releaseControl");
  const over = count > max;
  return (
    <p id={id} aria-live="polite" className={`text-xs tabular-nums ${over ? "font-medium text-danger" : "text-muted-fg"}`} data-testid="id-count">
      {over ? t("countOver", { count, max }) : t("count", { count, max })}
    </p>
  );
}

/** What a part saves with: the newest revision this page knows, and how to tell the others of a newer one. */
type PartAssignment = ReleaseControlAssignment & { onSaved: (revision: number) => void };

export function ReleaseControl({ org, assignment, trialChoices, canManage }: { org: string; assignment: ReleaseControlAssignment; trialChoices: TrialChoice[]; canManage: boolean }) {
  const t = useTranslations("releaseControl");
  // A part's save answers the revision it made. The next part saved sends that one even before the page's refresh
  // brings it: our own change is no reason for a 409 (a change by someone else still is, as its revision is newer).
  const [saved, setSaved] = useState(assignment.revision);
  if (!canManage) return <ReleaseControlSummary assignment={assignment} trialChoices={trialChoices} />;
  const a: PartAssignment = { ...assignment, revision: Math.max(saved, assignment.revision), onSaved: (r) => setSaved((x) => Math.max(x, r)) };
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

function RulesPart({ org, a }: { org: string; a: PartAssignment }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [platforms, setPlatforms] = useState<Platform[]>(a.rules?.platforms ?? []);
  const [range, setRange] = useState(a.rules?.sdkVersion ?? "");
  const [users, setUsers] = useState((a.rules?.users ?? []).join("\n"));
  const userCount = idsOf(users).length;
  const platformErrors = part.at("rules.platforms");
  const rangeErrors = part.at("rules.sdkVersion");
  const userErrors = part.at("rules.users");
  return (
    <Part title={t("rules.title")} hint={t("rules.hint")} testId="rules-editor">
      <form
        className="space-y-4"
        noValidate
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
        <fieldset aria-describedby={`${uid}-platforms-hint`}>
          <legend className="mb-1.5 text-sm font-medium">{t("rules.platforms")}</legend>
          <div className="grid grid-cols-2 gap-x-4 gap-y-1.5 sm:flex sm:flex-wrap">
            {PLATFORMS.map((p) => (
              <label key={p} className="flex min-h-6 items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-[var(--primary)]"
                  checked={platforms.includes(p)}
                  onChange={(e) => setPlatforms(e.target.checked ? PLATFORMS.filter((x) => x === p || platforms.includes(x)) : platforms.filter((x) => x !== p))}
                />
                {t(`platform.${p}`)}
              </label>
            ))}
          </div>
          <p id={`${uid}-platforms-hint`} className="mt-1.5 text-xs text-muted-fg">
            {t("rules.platformsHint")}
          </p>
          {platformErrors.length > 0 && (
            <p role="alert" className="mt-1 text-xs text-danger">
              {platformErrors.join(" ")}
            </p>
          )}
        </fieldset>
        <Field id={`${uid}-range`} label={t("rules.sdkVersion")} hint={t("rules.sdkVersionHint")} error={rangeErrors}>
          <Input
            id={`${uid}-range`}
            value={range}
            placeholder=">=3.1.0"
            maxLength={256}
            spellCheck={false}
            autoCapitalize="none"
            className="font-mono sm:max-w-xs"
            aria-invalid={rangeErrors.length > 0}
            aria-describedby={rangeErrors.length ? `${uid}-range-error` : `${uid}-range-hint`}
            onChange={(e) => setRange(e.target.value)}
          />
        </Field>
        <Field id={`${uid}-users`} label={t("rules.users")} hint={t("rules.usersHint")} error={userErrors}>
          <Textarea
            id={`${uid}-users`}
            rows={3}
            value={users}
            spellCheck={false}
            autoCapitalize="none"
            className="font-mono text-xs"
            aria-invalid={userErrors.length > 0 || userCount > MAX_RULE_USERS}
            aria-describedby={`${uid}-users-count ${userErrors.length ? `${uid}-users-error` : `${uid}-users-hint`}`}
            onChange={(e) => setUsers(e.target.value)}
          />
          <Counter id={`${uid}-users-count`} count={userCount} max={MAX_RULE_USERS} />
        </Field>
        <Actions
          part={part}
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

function TrialPart({ org, a, choices }: { org: string; a: PartAssignment; choices: TrialChoice[] }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [trialId, setTrialId] = useState(a.trialVersionId ?? "");
  const [testers, setTesters] = useState(a.testers.join("\n"));
  const count = idsOf(testers).length;
  const chosen = choices.find((c) => c.id === trialId);
  const refused = reasonsOf(part.error?.details);
  const trialErrors = part.at("trialVersionId");
  const testerErrors = part.at("testers");
  return (
    <Part title={t("trial.title")} hint={t("trial.hint")} testId="trial-editor">
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          part.save({ trialVersionId: trialId || null, testers: idsOf(testers) });
        }}
      >
        <Field id={`${uid}-trial`} label={t("trial.version")} hint={choices.length ? t("trial.versionHint") : t("trial.noChoices")} error={trialErrors}>
          <Select
            id={`${uid}-trial`}
            value={trialId}
            className="sm:max-w-xs"
            aria-invalid={trialErrors.length > 0 || refused.length > 0}
            aria-describedby={trialErrors.length ? `${uid}-trial-error` : `${uid}-trial-hint`}
            onChange={(e) => setTrialId(e.target.value)}
          >
            <option value="">{t("trial.none")}</option>
            {choices.map((c) => (
              // A version outside the host's policy cannot be the trial; it is listed, greyed, so the reason shows.
              <option key={c.id} value={c.id} disabled={c.reasons.length > 0 && c.id !== a.trialVersionId}>
                {t("trial.option", { version: c.version, status: t(`status.${c.status}`) })}
                {c.reasons.length ? ` — ${t("trial.outsidePolicy")}` : ""}
              </option>
            ))}
          </Select>
        </Field>
        {chosen && chosen.reasons.length > 0 && (
          <div className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-xs text-warning">
            <ReasonList reasons={chosen.reasons} />
          </div>
        )}
        {refused.length > 0 && (
          <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
            <ReasonList reasons={refused} />
          </div>
        )}
        <Field id={`${uid}-testers`} label={t("trial.testers")} hint={t("trial.testersHint")} error={testerErrors}>
          <Textarea
            id={`${uid}-testers`}
            rows={3}
            value={testers}
            spellCheck={false}
            autoCapitalize="none"
            className="font-mono text-xs"
            aria-invalid={testerErrors.length > 0 || count > MAX_TESTERS}
            aria-describedby={`${uid}-testers-count ${testerErrors.length ? `${uid}-testers-error` : `${uid}-testers-hint`}`}
            onChange={(e) => setTesters(e.target.value)}
          />
          <Counter id={`${uid}-testers-count`} count={count} max={MAX_TESTERS} />
        </Field>
        {trialId && count === 0 && <p className="text-xs text-warning">{t("trial.noTesters")}</p>}
        <Actions
          part={part}
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

/** Where a schedule stands: the step the rollout is on and the one it moves to next. */
function scheduleState(s: RolloutSchedule, percent: number): { at: number; next: number | null } {
  const at = s.steps.filter((p) => p <= percent).length;
  return { at, next: s.steps.find((p) => p > percent) ?? null };
}

function SchedulePart({ org, a }: { org: string; a: PartAssignment }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [steps, setSteps] = useState((a.schedule?.steps ?? [1, 5, 25, 50, 100]).join(", "));
  const [every, setEvery] = useState(String(a.schedule?.everyMinutes ?? 60));
  const [promote, setPromote] = useState(a.schedule?.promoteAtEnd ?? true);
  const stepsErrors = part.at("schedule.steps");
  const everyErrors = part.at("schedule.everyMinutes");
  const s = a.schedule;
  const state = s && a.hasCandidate ? scheduleState(s, a.rolloutPercent) : null;
  return (
    <Part title={t("schedule.title")} hint={a.hasCandidate ? t("schedule.hint") : t("schedule.needsCandidate")} testId="schedule-editor">
      {s && state && (
        <div className="rounded-md border border-border bg-muted/50 px-3 py-2 text-sm" data-testid="schedule-state">
          <p>{t("schedule.at", { step: state.at, steps: s.steps.length, percent: a.rolloutPercent })}</p>
          {a.paused ? (
            <p className="text-xs text-warning">{t("schedule.paused")}</p>
          ) : state.next !== null && a.nextStepAt ? (
            <p className="text-xs text-muted-fg" data-testid="next-step">
              {t.rich("schedule.next", {
                percent: state.next,
                when: () => <DateTime value={a.nextStepAt!} preset="dateTimeZone" />,
              })}
            </p>
          ) : state.next === null && s.promoteAtEnd && a.nextStepAt ? (
            <p className="text-xs text-muted-fg" data-testid="next-step">
              {t.rich("schedule.promotesAt", { when: () => <DateTime value={a.nextStepAt!} preset="dateTimeZone" /> })}
            </p>
          ) : (
            <p className="text-xs text-muted-fg">{t("schedule.done")}</p>
          )}
        </div>
      )}
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          part.save({ schedule: { steps: stepsOf(steps), everyMinutes: numberOf(every), promoteAtEnd: promote } });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_10rem]">
          <Field id={`${uid}-steps`} label={t("schedule.steps")} hint={t("schedule.stepsHint")} error={stepsErrors}>
            <Input
              id={`${uid}-steps`}
              value={steps}
              inputMode="numeric"
              disabled={!a.hasCandidate}
              aria-invalid={stepsErrors.length > 0}
              aria-describedby={stepsErrors.length ? `${uid}-steps-error` : `${uid}-steps-hint`}
              onChange={(e) => setSteps(e.target.value)}
            />
          </Field>
          <Field id={`${uid}-every`} label={t("schedule.every")} error={everyErrors}>
            <Input
              id={`${uid}-every`}
              type="number"
              min={1}
              max={10080}
              step={1}
              inputMode="numeric"
              value={every}
              disabled={!a.hasCandidate}
              aria-invalid={everyErrors.length > 0}
              aria-describedby={everyErrors.length ? `${uid}-every-error` : undefined}
              onChange={(e) => setEvery(e.target.value)}
            />
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="size-4 accent-[var(--primary)]" checked={promote} disabled={!a.hasCandidate} onChange={(e) => setPromote(e.target.checked)} />
          {t("schedule.promoteAtEnd")}
        </label>
        <Actions part={part} disabled={!a.hasCandidate} clearLabel={t("schedule.clear")} onClear={s ? () => part.save({ schedule: null }) : undefined} />
      </form>
    </Part>
  );
}

function GuardrailPart({ org, a }: { org: string; a: PartAssignment }) {
  const t = useTranslations("releaseControl");
  const uid = useId();
  const part = usePart(org, a);
  const [rate, setRate] = useState(a.guardrail ? percentOf(a.guardrail.maxErrorRate) : "5");
  const [min, setMin] = useState(String(a.guardrail?.minLaunches ?? 100));
  const [win, setWin] = useState(String(a.guardrail?.windowMinutes ?? 60));
  const errs = { rate: part.at("guardrail.maxErrorRate"), min: part.at("guardrail.minLaunches"), win: part.at("guardrail.windowMinutes") };
  const field = (key: keyof typeof errs, id: string, label: string, value: string, set: (v: string) => void, attrs: { min: number; max: number; step: string | number }) => (
    <Field id={id} label={label} error={errs[key]}>
      <Input
        id={id}
        type="number"
        inputMode="decimal"
        {...attrs}
        value={value}
        aria-invalid={errs[key].length > 0}
        aria-describedby={errs[key].length ? `${id}-error` : undefined}
        onChange={(e) => set(e.target.value)}
      />
    </Field>
  );
  return (
    <Part title={t("guardrail.title")} hint={t("guardrail.hint")} testId="guardrail-editor">
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          part.save({ guardrail: { maxErrorRate: numberOf(rate) / 100, minLaunches: numberOf(min), windowMinutes: numberOf(win) } });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-3">
          {field("rate", `${uid}-rate`, t("guardrail.maxErrorRate"), rate, setRate, { min: 0, max: 100, step: "any" })}
          {field("min", `${uid}-min`, t("guardrail.minLaunches"), min, setMin, { min: 1, max: 1_000_000, step: 1 })}
          {field("win", `${uid}-window`, t("guardrail.window"), win, setWin, { min: 1, max: 1440, step: 1 })}
        </div>
        <Actions part={part} clearLabel={t("guardrail.clear")} onClear={a.guardrail ? () => part.save({ guardrail: null }) : undefined} />
      </form>
    </Part>
  );
}

/** What a reviewer, developer or analyst sees: the settings, in words. */
function ReleaseControlSummary({ assignment: a, trialChoices }: { assignment: ReleaseControlAssignment; trialChoices: TrialChoice[] }) {
  const t = useTranslations("releaseControl");
  const trial = trialChoices.find((c) => c.id === a.trialVersionId);
  const rules = a.rules
    ? [
        // In the list's order, whatever order they were sent in.
        a.rules.platforms?.length ? PLATFORMS.filter((p) => a.rules!.platforms!.includes(p)).map((p) => t(`platform.${p}`)).join(", ") : null,
        a.rules.sdkVersion ? t("summary.sdk", { range: a.rules.sdkVersion }) : null,
        a.rules.users?.length ? t("summary.users", { count: a.rules.users.length }) : null,
      ]
        .filter(Boolean)
        .join(" · ")
    : null;
  const rows: { key: string; label: string; value: ReactNode }[] = [
    { key: "rules", label: t("rules.title"), value: rules ?? t("summary.none") },
    {
      key: "trial",
      label: t("trial.title"),
      value: trial ? t("summary.trial", { version: trial.version, count: a.testers.length }) : t("summary.none"),
    },
    {
      key: "schedule",
      label: t("schedule.title"),
      value: a.schedule ? (
        <>
          {t("summary.schedule", { steps: a.schedule.steps.join(" → "), minutes: a.schedule.everyMinutes })}
          {a.schedule.promoteAtEnd ? ` · ${t("summary.promotes")}` : ""}
          {a.nextStepAt && a.hasCandidate && !a.paused && (
            <span className="block text-xs text-muted-fg" data-testid="next-step">
              {t.rich("summary.nextStep", { when: () => <DateTime value={a.nextStepAt!} preset="dateTimeZone" /> })}
            </span>
          )}
        </>
      ) : (
        t("summary.none")
      ),
    },
    {
      key: "guardrail",
      label: t("guardrail.title"),
      value: a.guardrail ? t("summary.guardrail", { rate: percentOf(a.guardrail.maxErrorRate), launches: a.guardrail.minLaunches, minutes: a.guardrail.windowMinutes }) : t("summary.none"),
    },
  ];
  return (
    <div className="space-y-3">
      <dl className="divide-y divide-border text-sm" data-testid="release-control-summary">
        {rows.map((r) => (
          <div key={r.key} className="grid gap-1 py-2 sm:grid-cols-[12rem_minmax(0,1fr)] sm:gap-4" data-row={r.key}>
            <dt className="text-muted-fg">{r.label}</dt>
            <dd className="min-w-0 break-words">{r.value}</dd>
          </div>
        ))}
      </dl>
      <p className="text-xs text-muted-fg">{t("readOnly")}</p>
    </div>
  );
}
