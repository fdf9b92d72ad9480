// A date as a person reads it: in their locale and time zone, by one of the console's presets, inside a <time>
// whose tooltip gives the full instant with its zone. Works in server and client components alike (next-intl's
// hooks read the request's locale, zone and `now` on both sides, so hydration matches).
import { useFormatter } from "next-intl";
import type { DateTimePreset } from "@/lib/i18n/format";

type Props = {
  value: Date | string | number;
  /** How to print it; "relative" prints "3 hours ago" and keeps the exact instant in the tooltip. */
  preset?: DateTimePreset | "relative";
  className?: string;
  "data-testid"?: string;
};

export function DateTime({ value, preset = "dateTime", className, ...rest }: Props) {
  const format = useFormatter();
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return <span className={className}>—</span>;
  const full = format.dateTime(d, "dateTimeSecondsZone");
  const text = preset === "relative" ? format.relativeTime(d) : format.dateTime(d, preset);
  return (
    <time dateTime={d.toISOString()} title={text === full ? undefined : full} className={className} data-testid={rest["data-testid"]}>
      {text}
    </time>
  );
}
