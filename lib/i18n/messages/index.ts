// Message catalogs, one file per namespace and locale, so features add their own without touching others'.
// lib/i18n/messages.test.ts checks that every locale has exactly the same keys.
import type { Locale } from "../config";

// One namespace a line: features add theirs without touching another's line.
const NAMESPACES = [
  "common",
  "roles",
  "nav",
  "auth",
  "overview",
  "members",
  "tokens",
  "audit",
  "hosts",
  "miniPrograms",
  "reviews",
  "analytics",
  "settings",
  "invite",
  "webhooks",
  "assignments",
  "release",
  "meta",
  "findings",
  "apiReference",
  "releases",
  "releaseControl",
  "preview",
  "notifications",
  "insights",
  "permissionRequests",
  "sso",
  "sessions",
  "twoFactor",
  "trust",
  "files",
  "listing",
  "organizations",
  "analyticsInsights",
  "account",
] as const;

export async function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  const entries = await Promise.all(NAMESPACES.map(async (ns) => [ns, (await import(`./${locale}/${ns}.json`)).default] as const));
  return Object.fromEntries(entries);
}

export { NAMESPACES };
