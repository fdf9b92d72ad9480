// Intl refuses `timeZoneName` beside dateStyle/timeStyle, and a secret's expiry should say its zone.
export const DATE_TIME_WITH_ZONE = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
} as const satisfies Intl.DateTimeFormatOptions;
