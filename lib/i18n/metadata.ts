// Page titles, localised. The organization layout's template adds "· <organization> · Atrium", so a page names
// only itself: "Reviews" reads "Reviews · Demo Enterprise · Atrium" in the tab, history and bookmarks.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

export async function titled(namespace: string, key: string, values?: Record<string, string | number>): Promise<Metadata> {
  const t = await getTranslations(namespace);
  return { title: t(key, values) };
}

/** For a page about one object: its name when it can be read, else the section's name (the page shows the 404). */
export async function titledObject(load: () => Promise<string>, fallback: { namespace: string; key: string }): Promise<Metadata> {
  try {
    return { title: await load() };
  } catch {
    return titled(fallback.namespace, fallback.key);
  }
}

/** "<text> · <organization> · Atrium" in full, for a page that sits beside the organization layout. */
export async function orgTitle(org: string, text: string): Promise<Metadata> {
  const app = (await getTranslations("meta"))("appName");
  const { getShellContext } = await import("@/lib/auth/session");
  try {
    return { title: { absolute: `${text} · ${(await getShellContext(org)).org.name} · ${app}` } };
  } catch {
    return { title: { absolute: `${text} · ${app}` } };
  }
}
