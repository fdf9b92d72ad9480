import Link from "next/link";
import { cookies } from "next/headers";
import { getTranslations } from "next-intl/server";
import { getShellContext, listUserOrganizations } from "@/lib/auth/session";
import { can, type OrgContext } from "@/lib/authz/context";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { Sidebar, type SidebarItem } from "@/components/shell/sidebar";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { THEME_COOKIE, THEMES, type Theme } from "@/lib/i18n/config";
import { LanguageSwitch, ThemeSwitch, TimeZoneSwitch } from "@/components/preferences";
import { TIME_ZONE_MODE_COOKIE } from "@/lib/i18n/time-zone";
import type { Metadata } from "next";
import { NotificationBell } from "@/components/notifications/bell";
import { unreadNotificationCount } from "@/lib/services/notifications";
import { orgCreationAllowed } from "@/lib/services/organizations";

export default async function OrgLayout({ children, params }: { children: React.ReactNode; params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getShellContext(org);
  const [t, jar] = await Promise.all([getTranslations(), cookies()]);
  const themeCookie = jar.get(THEME_COOKIE)?.value;
  const tzMode = jar.get(TIME_ZONE_MODE_COOKIE)?.value === "utc" ? "utc" : "auto";
  const theme: Theme = (THEMES as readonly string[]).includes(themeCookie ?? "") ? (themeCookie as Theme) : "system";
  const items = NAV_ITEMS.filter((i) => can(ctx, i.permission)).map((i) => ({ key: i.key, href: `/o/${org}${i.path}` }));
  return (
    <div className="md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-card focus:px-3 focus:py-2">
        {t("common.skipToContent")}
      </a>
      <ShellSidebar
        ctx={ctx}
        items={items}
        current={org}
        footer={
          <div className="space-y-2">
            <div className="px-1 text-xs text-muted-fg" data-testid="whoami">
              <div className="truncate">{t("nav.signedInAs", { email: ctx.actor.email })}</div>
              <div data-testid="current-role">{t(`roles.${ctx.role}`)}</div>
              <Link href={`/o/${org}/account`} className="mt-1 inline-block rounded text-primary underline-offset-2 hover:underline" data-testid="account-link">
                {t("account.menu")}
              </Link>
            </div>
            <div className="space-y-2 px-1">
              <LanguageSwitch />
              <ThemeSwitch current={theme} />
              <TimeZoneSwitch mode={tzMode} />
            </div>
            <SignOutButton />
          </div>
        }
      />
      <main id="main" className="min-w-0 flex-1 p-4 sm:p-6 lg:p-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}

/**
 * The sidebar's own reads (the organization switcher, the unread count), in a component of its own: React renders it
 * beside the page, so the page's queries start once the membership is known instead of waiting for these
 * (issue 19 item 4: on PostgreSQL one round trip fewer in every console page's critical path).
 */
async function ShellSidebar({ ctx, current, ...rest }: { ctx: OrgContext; items: SidebarItem[]; current: string; footer: React.ReactNode }) {
  const [orgs, unread] = await Promise.all([listUserOrganizations(ctx.actor.userId), unreadNotificationCount(ctx)]);
  return (
    <Sidebar
      {...rest}
      orgs={orgs.map((o) => ({ slug: o.slug, name: o.name, role: o.role }))}
      current={current}
      canCreateOrg={orgCreationAllowed()}
      bell={<NotificationBell org={current} unread={unread} />}
    />
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string }> }): Promise<Metadata> {
  const { org } = await params;
  const app = (await getTranslations("meta"))("appName");
  try {
    const { name } = (await getShellContext(org)).org;
    return { title: { template: `%s · ${name} · ${app}`, default: `${name} · ${app}` } };
  } catch {
    return { title: { template: `%s · ${app}`, default: app } };
  }
}
