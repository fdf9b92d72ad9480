// Time in queue as reviewers read it: the two largest units, never seconds.
export type DurationParts = { unit: "days" | "hours" | "minutes"; days: number; hours: number; minutes: number };

export function durationParts(ms: number): DurationParts {
  const totalMinutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  return { unit: days > 0 ? "days" : hours > 0 ? "hours" : "minutes", days, hours, minutes };
}

/** A signed byte difference: "+1.2 KiB", "−300 B", "±0 B". */
export function signedBytes(delta: number, format: (n: number) => string): string {
  if (delta === 0) return `±${format(0)}`;
  return `${delta > 0 ? "+" : "−"}${format(Math.abs(delta))}`;
}
