"use client";
// The host detail's sections as links: each is its own URL (shareable, back button works), and the current
// one is marked for screen readers with aria-current rather than a tablist, since these navigate.
import Link from "next/link";
import { useSelectedLayoutSegment } from "next/navigation";
import { useTranslations } from "next-intl";

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
  return (
    // The tabs wrap onto a second row on a narrow screen rather than scroll sideways: a row cut at the edge
    // ("Analyt…") hid a section with no sign that there was more.
    <nav aria-label={t("label")} className="mb-6 border-b border-border" data-testid="host-tabs">
      <ul className="flex flex-wrap gap-x-1">
        {TABS.map((tab) => {
          const current = segment === tab.segment;
          return (
            <li key={tab.key}>
              <Link
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
