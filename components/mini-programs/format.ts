// Byte sizes the way developers read them (binary units, as the package limits are stated).
const UNITS = ["B", "KiB", "MiB", "GiB"] as const;

export function formatBytes(n: number, locale = "en"): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}
