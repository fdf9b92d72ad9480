// The inspection's findings, which is what a reviewer weighs; the full report lives on the version page.
import { useTranslations } from "next-intl";
import type { Finding, Inspection } from "@/lib/packages/inspect";

function List({ items, tone, title }: { items: Finding[]; tone: "danger" | "warning"; title: (code: string) => string }) {
  const box = tone === "danger" ? "border-danger/40 bg-danger-bg" : "border-warning/40 bg-warning-bg";
  return (
    <ul className="space-y-2">
      {items.map((f, i) => (
        <li key={`${f.code}-${i}`} className={`rounded-md border p-3 ${box}`} data-testid={`finding-${f.code}`}>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className={`text-sm font-medium ${tone === "danger" ? "text-danger" : "text-warning"}`}>{title(f.code)}</span>
            <code className="rounded bg-card px-1.5 py-0.5 font-mono text-xs">{f.code}</code>
          </div>
          <p className="mt-1 text-sm break-words">{f.message}</p>
          {f.path && <p className="mt-1 font-mono text-xs break-all text-muted-fg">{f.path}</p>}
        </li>
      ))}
    </ul>
  );
}

export function Findings({ inspection }: { inspection: Inspection }) {
  const t = useTranslations("reviews.page");
  const tr = useTranslations("miniPrograms.report");
  const title = (code: string) => (tr.has(`codes.${code}`) ? tr(`codes.${code}`) : code);
  const errors = inspection.errors ?? [];
  const warnings = inspection.warnings ?? [];
  if (errors.length === 0 && warnings.length === 0) return <p className="text-sm text-muted-fg">{t("noFindings")}</p>;
  return (
    <div className="space-y-4" data-testid="findings">
      {errors.length > 0 && <List items={errors} tone="danger" title={title} />}
      {warnings.length > 0 && (
        <>
          <p className="text-xs text-muted-fg">{t("warningsNote", { count: warnings.length })}</p>
          <List items={warnings} tone="warning" title={title} />
        </>
      )}
    </div>
  );
}
