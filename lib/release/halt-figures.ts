// A guardrail halt's figures as its timeline entry records them, read back without trusting the JSON's shape: the
// console says the reason in the reader's language from these. Imports nothing, so any component may use it.

/** What a guardrail saw when it halted: the figures and the ceiling, so the console can say it in any language. */
export type HaltFigures = {
  version: string;
  launches: number;
  errors: number;
  errorRate: number;
  windowMinutes: number;
  maxErrorRate: number;
  minLaunches: number;
};

const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const obj = (x: unknown): Record<string, unknown> => (x && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/**
 * The figures a guardrail's `halt` timeline entry recorded (lib/release/runner.ts writes `to.figures`,
 * `to.guardrail` and `to.candidate`); null for any other entry, such as a halt that came with its release.
 */
export function haltFiguresOf(to: Record<string, unknown> | null | undefined): HaltFigures | null {
  const t = obj(to);
  const f = obj(t.figures);
  const g = obj(t.guardrail);
  const version = obj(t.candidate).version;
  const out = {
    launches: num(f.launches),
    errors: num(f.errors),
    errorRate: num(f.errorRate),
    windowMinutes: num(f.windowMinutes),
    maxErrorRate: num(g.maxErrorRate),
    minLaunches: num(g.minLaunches),
  };
  if (typeof version !== "string" || Object.values(out).some((v) => v === null)) return null;
  return { version, ...(out as { [K in keyof typeof out]: number }) };
}
