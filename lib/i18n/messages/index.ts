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

const loaded = new Map<Locale, Promise<Record<string, unknown>>>();

/**
 * A locale's catalog, put together once per process: every request asks for it (lib/i18n/request.ts), and 35
 * dynamic imports a request cost about 1.6 ms of the server's CPU (a CPU profile of a console page on the bench
 * database). The catalogs are static files of the build; next-intl only reads what it is given.
 */
export function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  let messages = loaded.get(locale);
  if (!messages) {
    messages = Promise.all(NAMESPACES.map(async (ns) => [ns, (await import(`./${locale}/${ns}.json`)).default] as const)).then((e) => Object.fromEntries(e));
    // A failed load is not kept: the next request tries again.
    messages.catch(() => loaded.delete(locale));
    loaded.set(locale, messages);
  }
  return messages;
}

export { NAMESPACES };
