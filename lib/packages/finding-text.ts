// Findings as people read them, in any locale: the catalog (lib/i18n/messages/*/findings.json) holds the text,
// a finding holds its key and parameters. The server writes each finding's English `message` from the same
// catalog, so the API's text and the console's English cannot drift apart.

/** Parameter values a finding may carry. Numbers named `…Bytes` are sizes; arrays are lists of names. */
export type FindingParamValue = string | number | string[];
export type FindingParams = Record<string, FindingParamValue>;

const UNITS = ["B", "KiB", "MiB", "GiB"] as const;

/** Byte sizes the way developers read them: binary units, as the package limits are stated. */
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

/**
 * The parameters as the catalog's messages take them in `locale`: sizes formatted, lists joined the way the
 * language joins them, a permission by its name in that language (when `permissionLabel` knows it). Counts
 * stay numbers, so the messages' plural and number rules apply.
 */
export function localizeFindingParams(
  params: FindingParams,
  locale: string,
  permissionLabel?: (permission: string) => string | null,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    const label = name === "permission" && typeof value === "string" ? permissionLabel?.(value) : null;
    if (label) out[name] = label;
    else if (Array.isArray(value)) out[name] = new Intl.ListFormat(locale, { style: "short", type: "conjunction" }).format(value);
    else if (typeof value === "number" && name.endsWith("Bytes")) out[name] = formatBytes(value, locale);
    else out[name] = value;
  }
  return out;
}

/** The smallest translator shape both next-intl's `useTranslations` and `createTranslator` satisfy. */
export type FindingTranslator = {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
};

/**
 * A finding's text in the translator's locale; the stored English message when the finding predates keys
 * (inspections saved before findings carried them) or names a key this build does not know.
 */
export function findingText(
  t: FindingTranslator,
  locale: string,
  finding: { message: string; key?: string; params?: FindingParams },
  permissionLabel?: (permission: string) => string | null,
): string {
  if (!finding.key || !t.has(finding.key)) return finding.message;
  return t(finding.key, localizeFindingParams(finding.params ?? {}, locale, permissionLabel));
}
