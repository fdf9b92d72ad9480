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
