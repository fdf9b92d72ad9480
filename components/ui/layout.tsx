import type { ReactNode } from "react";

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="mt-1 text-sm text-muted-fg">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

export function Card({ title, actions, children, className = "" }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`rounded-lg border border-border bg-card ${className}`}>
      {(title || actions) && (
        <div className="flex items-center justify-between gap-2 border-b border-border px-4 py-3">
          {title && <h2 className="text-sm font-semibold">{title}</h2>}
          {actions}
        </div>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}

export function Stat({ label, value, hint }: { label: ReactNode; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="rounded-lg border border-border bg-card p-4">
      <div className="text-xs font-medium uppercase tracking-wide text-muted-fg">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums">{value}</div>
      {hint && <div className="mt-1 text-xs text-muted-fg">{hint}</div>}
    </div>
  );
}

export function EmptyState({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-border p-8 text-center">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-2 text-sm text-muted-fg">{children}</div>}
    </div>
  );
}

type Tone = "neutral" | "success" | "warning" | "danger" | "info";
const TONES: Record<Tone, string> = {
  neutral: "bg-muted text-muted-fg",
  success: "bg-success-bg text-success",
  warning: "bg-warning-bg text-warning",
  danger: "bg-danger-bg text-danger",
  info: "bg-info-bg text-primary",
};

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}>{children}</span>;
}

// The table's look for both layouts; the header's, the same in both, written once. Below lg a stacked table is a
// list of cards, its headers for screen readers only: each row a card of two columns (the main cell, and a badge or
// date beside it), written once here rather than on every row (50 rows of the audit log carried 17 KB of it, in
// the HTML and again in the page's payload); each table places its own cells in the card. (Each class is written
// out whole, as Tailwind finds them in the source.)
const CARD_ROWS =
  "max-lg:[&_tbody_tr]:grid max-lg:[&_tbody_tr]:grid-cols-[minmax(0,1fr)_auto] max-lg:[&_tbody_tr]:items-start max-lg:[&_tbody_tr]:gap-x-3 max-lg:[&_tbody_tr]:gap-y-2 max-lg:[&_tbody_tr]:rounded-lg max-lg:[&_tbody_tr]:border max-lg:[&_tbody_tr]:border-border max-lg:[&_tbody_tr]:bg-card max-lg:[&_tbody_tr]:p-3";
const TABLE_HEAD =
  "[&_th]:px-4 [&_th]:py-2 [&_th]:text-xs [&_th]:font-medium [&_th]:uppercase [&_th]:tracking-wide [&_th]:text-muted-fg [&_thead]:border-b [&_thead]:border-border";
const TABLE_LOOK = {
  scroll: {
    box: "relative overflow-x-auto rounded-lg border border-border bg-card",
    table: `w-full min-w-[36rem] text-left text-sm [&_td]:px-4 [&_td]:py-2.5 ${TABLE_HEAD} [&_tbody_tr]:border-b [&_tbody_tr]:border-border [&_tbody_tr:last-child]:border-0`,
  },
  stacked: {
    box: "lg:relative lg:overflow-x-auto lg:rounded-lg lg:border lg:border-border lg:bg-card",
    table: `w-full text-left text-sm max-lg:block lg:min-w-[36rem] lg:[&_td]:px-4 lg:[&_td]:py-2.5 ${TABLE_HEAD} max-lg:[&_thead]:sr-only max-lg:[&_colgroup]:hidden max-lg:[&_tbody]:block max-lg:[&_tbody]:space-y-3 lg:[&_tbody_tr]:border-b lg:[&_tbody_tr]:border-border lg:[&_tbody_tr:last-child]:border-0 ${CARD_ROWS}`,
  },
} as const;

/**
 * A table that scrolls sideways on a narrow screen instead of breaking the layout; or, `stacked`, one whose rows
 * become cards below lg (rendered once, laid out by CSS, rather than a second list of cards beside it).
 */
export function Table({ children, caption, stacked = false, testId }: { children: ReactNode; caption?: string; stacked?: boolean; testId?: string }) {
  const look = TABLE_LOOK[stacked ? "stacked" : "scroll"];
  return (
    // `relative` keeps the sr-only caption inside the scroll box; tabIndex lets keyboard users scroll it.
    <div className={look.box} tabIndex={0} role="region" aria-label={caption} data-testid={testId}>
      <table className={look.table}>
        {caption && <caption className="sr-only">{caption}</caption>}
        {children}
      </table>
    </div>
  );
}
