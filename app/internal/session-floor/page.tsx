import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/session";

// The floor of a console page, for `npm run bench` (issue 19 item 4): the root layout and the session check every
// console page makes first (lib/auth/session.ts: the session cookie, then the session and its user in the database),
// and nothing else. Signed out, it redirects to sign-in like any console page; signed in, it shows the product's
// name and nothing about anyone.
export const metadata: Metadata = { robots: { index: false, follow: false } };

export default async function SessionFloorPage() {
  await requireUser();
  const t = await getTranslations("common");
  return (
    <main id="main" className="p-8" data-testid="session-floor">
      <h1 className="text-lg font-semibold">{t("appName")}</h1>
    </main>
  );
}
