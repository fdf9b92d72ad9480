"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import type { NavKey } from "./nav-items";

export type SidebarItem = { key: NavKey; href: string };
type Item = SidebarItem;
type Org = { slug: string; name: string; role: string };

export function Sidebar({ items, orgs, current, footer, bell, canCreateOrg = false }: { items: Item[]; orgs: Org[]; current: string; footer: ReactNode; bell?: ReactNode; canCreateOrg?: boolean }) {
  const t = useTranslations("nav");
  const tc = useTranslations("common");
  const pathname = usePathname();
  const router = useRouter();
  const [open, setOpen] = useState(false);

  const isActive = (href: string) => (href === `/o/${current}` ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));

  const nav = (
    <nav aria-label={t("label")} className="flex flex-1 flex-col gap-4">
      <div className="px-1">
        <label htmlFor="org-switch" className="mb-1 block text-xs font-medium text-muted-fg">
          {t("switchOrg")}
        </label>
        <select
          id="org-switch"
          data-testid="org-switcher"
          className="h-9 w-full rounded-md border border-border bg-card px-2 text-sm font-medium"
          value={current}
          onChange={(e) => {
            setOpen(false);
            router.push(`/o/${e.target.value}`);
          }}
        >
          {orgs.map((o) => (
            <option key={o.slug} value={o.slug}>
              {o.name}
            </option>
          ))}
        </select>
        {canCreateOrg && (
          <Link href="/o/new" onClick={() => setOpen(false)} className="mt-1.5 inline-block rounded px-1 text-xs font-medium text-primary hover:underline" data-testid="new-org-link">
            + {t("newOrganization")}
          </Link>
        )}
      </div>
      <ul className="flex-1 space-y-0.5">
        {items.map((item) => (
          <li key={item.key}>
            <Link
              href={item.href}
              aria-current={isActive(item.href) ? "page" : undefined}
              onClick={() => setOpen(false)}
              className="block rounded-md px-3 py-2 text-sm font-medium text-muted-fg hover:bg-muted hover:text-fg aria-[current=page]:bg-muted aria-[current=page]:text-fg"
            >
              {t(item.key)}
            </Link>
          </li>
        ))}
      </ul>
      <div className="border-t border-border pt-3">{footer}</div>
    </nav>
  );

  return (
    <>
      <div className="sticky top-0 z-30 flex items-center justify-between border-b border-border bg-card px-4 py-2 md:hidden">
        <span className="flex items-center gap-2 font-semibold">
          {/* eslint-disable-next-line @next/next/no-img-element -- a 24 px SVG from public/ */}
          <img src="/icon.svg" alt="" width={24} height={24} className="h-6 w-6 rounded" />
          {tc("appName")}
        </span>
        <span className="flex items-center gap-2">
          {bell}
        <button
          type="button"
          className="rounded-md border border-border px-3 py-1.5 text-sm"
          aria-expanded={open}
          aria-controls="mobile-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? tc("closeMenu") : tc("openMenu")}
        </button>
        </span>
      </div>
      {open && (
        <div id="mobile-nav" className="border-b border-border bg-card p-4 md:hidden">
          {nav}
        </div>
      )}
      {/* Sticky and exactly one screen tall, scrolling inside itself when its content is taller (a short window):
          its background then covers the whole left edge on any page length, and the footer stays reachable. */}
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col overflow-y-auto border-r border-border bg-card p-4 md:flex" data-testid="sidebar">
        <div className="mb-4 flex shrink-0 items-center justify-between gap-2">
          <Link href={`/o/${current}`} className="flex items-center gap-2 px-1 font-semibold">
            {/* eslint-disable-next-line @next/next/no-img-element -- a 28 px SVG from public/, nothing to optimise */}
            <img src="/icon.svg" alt="" width={28} height={28} className="h-7 w-7 rounded-md" />
            {tc("appName")}
          </Link>
          {bell}
        </div>
        {nav}
      </aside>
    </>
  );
}
