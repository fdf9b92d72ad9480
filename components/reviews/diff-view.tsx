// A package diff as reviewers read it: what the manifest newly asks for, what files moved and by how much,
// and the code itself, each changed file folded so a long diff does not bury the rest.
import { useTranslations } from "next-intl";
import type { PackageDiff, TextDiff } from "@/lib/packages/diff";
import { formatBytes } from "@/components/mini-programs/format";
import { Badge, Table } from "@/components/ui/layout";
import { signedBytes } from "./format";

function Chips({ added, removed, none, label = (x) => x }: { added: string[]; removed: string[]; none: string; label?: (x: string) => string }) {
  const t = useTranslations("reviews.page");
  if (added.length === 0 && removed.length === 0) return <p className="text-sm text-muted-fg">{none}</p>;
  return (
    <ul className="flex flex-wrap gap-1.5">
      {added.map((x) => (
        <li key={`+${x}`} className="rounded border border-success/40 bg-success-bg px-1.5 py-0.5 font-mono text-xs break-all text-success" data-change="added">
          <span aria-hidden="true">+ </span>
          <span className="sr-only">{t("added")}: </span>
          {label(x)}
        </li>
      ))}
      {removed.map((x) => (
        <li key={`-${x}`} className="rounded border border-danger/40 bg-danger-bg px-1.5 py-0.5 font-mono text-xs break-all text-danger" data-change="removed">
          <span aria-hidden="true">− </span>
          <span className="sr-only">{t("removed")}: </span>
          {label(x)}
        </li>
      ))}
    </ul>
  );
}

function SizeLine({ label, before, after, delta, locale }: { label: string; before: number | null; after: number; delta: number | null; locale: string }) {
  const t = useTranslations("reviews.page");
  const fmt = (n: number) => formatBytes(n, locale);
  const percent = before && delta !== null ? Math.round((delta / before) * 100) : null;
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-muted-fg">{label}</dt>
      <dd className="mt-0.5 text-sm tabular-nums">
        {before === null ? fmt(after) : t("sizeChange", { before: fmt(before), after: fmt(after) })}
        {delta !== null && (
          <span className={`ml-2 font-medium ${delta > 0 ? "text-warning" : delta < 0 ? "text-success" : "text-muted-fg"}`}>
            {signedBytes(delta, fmt)}
            {percent ? ` (${percent > 0 ? "+" : ""}${percent}%)` : ""}
          </span>
        )}
      </dd>
    </div>
  );
}

export function ManifestDiff({ diff, locale }: { diff: PackageDiff; locale: string }) {
  const t = useTranslations("reviews.page");
  const th = useTranslations("hosts");
  // A permission by its name in the reader's language, with the identifier app.json uses.
  const permission = (p: string) => (th.has(`permission.${p}`) ? `${th(`permission.${p}`)} (${p})` : p);
  return (
    <dl className="grid gap-4 sm:grid-cols-2">
      <div className="min-w-0" data-testid="diff-permissions">
        <dt className="mb-1 text-xs font-medium text-muted-fg">{t("permissions")}</dt>
        <dd>
          <Chips added={diff.permissions.added} removed={diff.permissions.removed} none={t("noChange")} label={permission} />
        </dd>
      </div>
      <div className="min-w-0" data-testid="diff-domains">
        <dt className="mb-1 text-xs font-medium text-muted-fg">{t("domains")}</dt>
        <dd>
          <Chips added={diff.domains.added} removed={diff.domains.removed} none={t("noChange")} />
        </dd>
      </div>
      <SizeLine label={t("packedSize")} before={diff.size.packedBefore} after={diff.size.packedAfter} delta={diff.size.packedDelta} locale={locale} />
      <SizeLine label={t("unpackedSize")} before={diff.size.unpackedBefore} after={diff.size.unpackedAfter} delta={diff.size.unpackedDelta} locale={locale} />
    </dl>
  );
}

type Row = { path: string; kind: "added" | "removed" | "changed"; before: number | null; after: number | null; delta: number };

export function FileChanges({ diff, locale }: { diff: PackageDiff; locale: string }) {
  const t = useTranslations("reviews.page");
  const fmt = (n: number) => formatBytes(n, locale);
  const rows: Row[] = [
    ...diff.files.added.map((f): Row => ({ path: f.path, kind: "added", before: null, after: f.size, delta: f.size })),
    ...diff.files.removed.map((f): Row => ({ path: f.path, kind: "removed", before: f.size, after: null, delta: -f.size })),
    ...diff.files.changed.map((f): Row => ({ path: f.path, kind: "changed", before: f.sizeBefore, after: f.sizeAfter, delta: f.sizeDelta })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const tone = { added: "success", removed: "danger", changed: "info" } as const;
  return (
    <div className="space-y-2">
      <p className="text-xs text-muted-fg">
        {t("filesSummary", { added: diff.files.added.length, removed: diff.files.removed.length, changed: diff.files.changed.length, unchanged: diff.files.unchanged })}
      </p>
      {rows.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("noFileChanges")}</p>
      ) : (
        <Table caption={t("files")}>
          <thead>
            <tr>
              <th scope="col">{t("file")}</th>
              <th scope="col">{t("change")}</th>
              <th scope="col" className="text-right">
                {t("before")}
              </th>
              <th scope="col" className="text-right">
                {t("after")}
              </th>
              <th scope="col" className="text-right">
                {t("delta")}
              </th>
            </tr>
          </thead>
          <tbody data-testid="file-changes">
            {rows.map((r) => (
              <tr key={r.path} data-change={r.kind}>
                <td className="font-mono text-xs break-all">{r.path}</td>
                <td>
                  <Badge tone={tone[r.kind]}>{t(r.kind)}</Badge>
                </td>
                <td className="text-right tabular-nums">{r.before === null ? "—" : fmt(r.before)}</td>
                <td className="text-right tabular-nums">{r.after === null ? "—" : fmt(r.after)}</td>
                <td className={`text-right font-medium tabular-nums ${r.delta > 0 ? "text-warning" : r.delta < 0 ? "text-success" : "text-muted-fg"}`}>{signedBytes(r.delta, fmt)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

function lineClass(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---")) return "text-muted-fg";
  if (line.startsWith("@@")) return "bg-info-bg text-primary";
  if (line.startsWith("+")) return "bg-success-bg text-success";
  if (line.startsWith("-")) return "bg-danger-bg text-danger";
  return "";
}

function countLines(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) added += 1;
    else if (line.startsWith("-") && !line.startsWith("---")) removed += 1;
  }
  return { added, removed };
}

export function TextDiffs({ diffs }: { diffs: TextDiff[] }) {
  const t = useTranslations("reviews.page");
  if (diffs.length === 0) return <p className="text-sm text-muted-fg">{t("noCodeChanges")}</p>;
  return (
    <div className="space-y-2" data-testid="text-diffs">
      {diffs.map((d, i) => {
        const counts = "skipped" in d ? null : countLines(d.diff);
        return (
          <details key={d.path} className="group rounded-md border border-border" open={i < 3}>
            <summary className="flex cursor-pointer flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
              <span className="min-w-0 font-mono text-xs break-all">{d.path}</span>
              {counts ? (
                <span className="text-xs tabular-nums">
                  <span className="text-success">+{counts.added}</span> <span className="text-danger">−{counts.removed}</span>
                  <span className="sr-only"> ({t("linesChanged", counts)})</span>
                </span>
              ) : (
                "skipped" in d && <span className="text-xs text-muted-fg">{t(`skipped.${d.skipped}`)}</span>
              )}
            </summary>
            {!("skipped" in d) && (
              <div className="border-t border-border">
                <pre className="overflow-x-auto py-2 font-mono text-xs leading-5" tabIndex={0} role="region" aria-label={d.path}>
                  {d.diff.split("\n").map((line, n) => (
                    <span key={n} className={`block px-3 whitespace-pre ${lineClass(line)}`}>
                      {line || " "}
                    </span>
                  ))}
                </pre>
                {d.truncated && <p className="border-t border-border px-3 py-2 text-xs text-warning">{t("truncated")}</p>}
              </div>
            )}
          </details>
        );
      })}
    </div>
  );
}
