// Release control's inputs (CONTRACT §8): targeting rules, testers, a ramp-up schedule and a guardrail, validated
// once here for the API and the console, and the rule evaluation the manifest runs for every request.
import semver from "semver";
import { z } from "zod";
import { PLATFORMS, type AssignmentRules, type Guardrail, type Platform, type RolloutSchedule } from "@/db/enums";

export const MAX_RULE_USERS = 1_000;
export const MAX_TESTERS = 500;
export const MAX_SCHEDULE_STEPS = 20;

/** An end-user id as events and manifests carry it (CONTRACT §6: 1–128 characters). */
const endUserId = z.string().trim().min(1, "An end-user id is 1–128 characters").max(128, "An end-user id is 1–128 characters");

/** Distinct ids, in the order given: a repeated id is not an error, just one entry. */
const distinct = <T,>(ids: T[]): T[] => [...new Set(ids)];

export const rulesSchema = z
  .object({
    platforms: z
      // The message quotes a string input only (cut short): a hostile value may be nested 10,000 deep.
      .array(z.enum(PLATFORMS, { error: (i) => `Unknown platform ${typeof i.input === "string" ? JSON.stringify(i.input.slice(0, 40)) : "(not a string)"}; use one of ${PLATFORMS.join(", ")}` }))
      .min(1, "List at least one platform, or leave platforms out")
      .transform(distinct)
      .optional(),
    sdkVersion: z
      .string()
      .trim()
      .min(1, "Give a semantic version range such as >=2.1.0, or leave sdkVersion out")
      .max(256)
      .refine((r) => semver.validRange(r) !== null, { message: "Not a semantic version range (try >=2.1.0 or ^3.0.0)" })
      .optional(),
    users: z.array(endUserId).max(MAX_RULE_USERS, `At most ${MAX_RULE_USERS.toLocaleString("en")} users`).transform(distinct).optional(),
  })
  .strict();

export const testersSchema = z.array(endUserId).max(MAX_TESTERS, `At most ${MAX_TESTERS} testers`).transform(distinct);

const percentStep = z
  .number({ error: "Each step is a whole percentage from 1 to 100" })
  .int("Each step is a whole percentage from 1 to 100")
  .min(1, "Each step is a whole percentage from 1 to 100")
  .max(100, "Each step is a whole percentage from 1 to 100");

const scheduleShape = z
  .object({
    steps: z.array(percentStep).min(1, "Give at least one step").max(MAX_SCHEDULE_STEPS, `At most ${MAX_SCHEDULE_STEPS} steps`),
    everyMinutes: z
      .number({ error: "everyMinutes is a whole number of minutes from 1 to 10080 (a week)" })
      .int("everyMinutes is a whole number of minutes from 1 to 10080 (a week)")
      .min(1, "everyMinutes is a whole number of minutes from 1 to 10080 (a week)")
      .max(10_080, "everyMinutes is a whole number of minutes from 1 to 10080 (a week)"),
    promoteAtEnd: z.boolean({ error: "promoteAtEnd is true or false" }).default(false),
  })
  .strict();

function increasingSteps(s: { steps: number[] }, ctx: z.RefinementCtx): void {
  for (let i = 1; i < s.steps.length; i++) {
    if (s.steps[i]! <= s.steps[i - 1]!) {
      ctx.addIssue({ code: "custom", path: ["steps", i], message: `Steps must increase: ${s.steps[i]} comes after ${s.steps[i - 1]}` });
    }
  }
}

export const scheduleSchema = scheduleShape.superRefine(increasingSteps);

/** A release ring's schedule promotes at its end unless told otherwise: that is what lets the next ring start by itself. */
export const ringScheduleSchema = scheduleShape.extend({ promoteAtEnd: z.boolean({ error: "promoteAtEnd is true or false" }).default(true) }).superRefine(increasingSteps);

export const guardrailSchema = z
  .object({
    maxErrorRate: z
      .number({ error: "maxErrorRate is a rate from 0 to 1 (0.05 is 5 %)" })
      .min(0, "maxErrorRate is a rate from 0 to 1 (0.05 is 5 %)")
      .max(1, "maxErrorRate is a rate from 0 to 1 (0.05 is 5 %)"),
    minLaunches: z
      .number({ error: "minLaunches is a whole number from 1 to 1,000,000" })
      .int("minLaunches is a whole number from 1 to 1,000,000")
      .min(1, "minLaunches is a whole number from 1 to 1,000,000")
      .max(1_000_000, "minLaunches is a whole number from 1 to 1,000,000"),
    windowMinutes: z
      .number({ error: "windowMinutes is a whole number of minutes from 1 to 1440 (a day)" })
      .int("windowMinutes is a whole number of minutes from 1 to 1440 (a day)")
      .min(1, "windowMinutes is a whole number of minutes from 1 to 1440 (a day)")
      .max(1_440, "windowMinutes is a whole number of minutes from 1 to 1440 (a day)"),
  })
  .strict();

/** Rules with nothing in them target no one differently: stored as null. */
export function normaliseRules(r: AssignmentRules | null): AssignmentRules | null {
  if (!r) return null;
  const out: AssignmentRules = {};
  if (r.platforms?.length) out.platforms = r.platforms;
  if (r.sdkVersion) out.sdkVersion = r.sdkVersion;
  if (r.users?.length) out.users = r.users;
  return Object.keys(out).length ? out : null;
}

/** The rules as the manifest evaluates them: parsed once per snapshot, so a request only compares. */
export type CompiledRules = {
  platforms: ReadonlySet<Platform> | null;
  sdkRange: semver.Range | null;
  users: ReadonlySet<string>;
};

export function compileRules(r: AssignmentRules | null): CompiledRules | null {
  if (!r) return null;
  return {
    platforms: r.platforms?.length ? new Set(r.platforms) : null,
    sdkRange: r.sdkVersion ? new semver.Range(r.sdkVersion) : null,
    users: new Set(r.users ?? []),
  };
}

/**
 * CONTRACT §8: a request is eligible when its platform is in `platforms` (when given) and its SDK version
 * satisfies `sdkVersion` (when given). A request that does not say its platform or SDK version cannot be shown to
 * match, so a rule on it makes the request ineligible.
 */
export function isEligible(rules: CompiledRules | null, req: { platform?: string; sdkVersion?: semver.SemVer | null }): boolean {
  if (!rules) return true;
  if (rules.platforms && (!req.platform || !rules.platforms.has(req.platform as Platform))) return false;
  if (rules.sdkRange && (!req.sdkVersion || !rules.sdkRange.test(req.sdkVersion))) return false;
  return true;
}

export type { AssignmentRules, Guardrail, RolloutSchedule };
