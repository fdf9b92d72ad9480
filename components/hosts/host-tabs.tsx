"use client";
// The host detail's sections as links: each is its own URL (shareable, back button works), and the current
// one is marked for screen readers with aria-current rather than a tablist, since these navigate.
import Link from "next/link";
import { useSelectedLayoutSegment } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";

const TABS = [
  { key: "overview", segment: null },
  { key: "credentials", segment: "credentials" },
  { key: "policy", segment: "policy" },
  { key: "assignments", segment: "assignments" },
  { key: "analytics", segment: "analytics" },
] as const;

export function HostTabs({ base }: { base: string }) {
  const t = useTranslations("hosts.tabs");
  const segment = useSelectedLayoutSegment();
  const currentRef = useRef<HTMLAnchorElement>(null);
  // On a narrow screen the row scrolls sideways; keep the current section in view.
  // A block body on purpose: newer Chromium returns a promise from scrollIntoView, and React would take a
  // returned value for the effect's cleanup function.
  useEffect(() => {
    currentRef.current?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [segment]);
  return (
    <nav aria-label={t("label")} className="-mx-4 mb-6 overflow-x-auto border-b border-border px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1">
        {TABS.map((tab) => {
          const current = segment === tab.segment;
          return (
            <li key={tab.key}>
              <Link
                ref={current ? currentRef : undefined}
                href={tab.segment ? `${base}/${tab.segment}` : base}
                aria-current={current ? "page" : undefined}
                className="-mb-px inline-block border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted-fg hover:text-fg focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-[var(--ring)] aria-[current=page]:border-primary aria-[current=page]:text-fg"
              >
                {t(tab.key)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
