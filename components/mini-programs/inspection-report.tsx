// The inspection report of CONTRACT §4 as people read it: verdict, errors, warnings, manifest, files, digest.
import { useLocale, useTranslations } from "next-intl";
import type { Inspection, Finding } from "@/lib/packages/inspect";
import { CopyButton } from "@/components/ui/copy-button";
import { Badge } from "@/components/ui/layout";
import { FileTree } from "./file-tree";
import { formatBytes } from "./format";
import { useFindingText } from "./use-finding-text";

const STOPPING_CODES = new Set(["not_zip", "too_large", "too_many_files", "compression_ratio"]);

/** Whether every byte was read. Reports saved before the field existed are judged by their errors. */
function readInFull(inspection: Inspection): boolean {
  return inspection.uncompressedSizeComplete ?? !inspection.errors.some((e) => STOPPING_CODES.has(e.code));
}

/** One finding per row: its readable title, code, message and file. Also used by the review page. */
export function FindingList({ items, tone }: { items: Finding[]; tone: "danger" | "warning" }) {
  const t = useTranslations("miniPrograms.report");
  const text = useFindingText();
  const title = (code: string) => (t.has(`codes.${code}`) ? t(`codes.${code}`) : code);
  const box = tone === "danger" ? "border-danger/40 bg-danger-bg" : "border-warning/40 bg-warning-bg";
  return (
    <ul className="space-y-2">
      {items.map((f, i) => (
        <li key={`${f.code}-${i}`} className={`rounded-md border p-3 ${box}`} data-testid={`finding-${f.code}`}>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className={`text-sm font-medium ${tone === "danger" ? "text-danger" : "text-warning"}`}>{title(f.code)}</span>
            <code className="rounded bg-card px-1.5 py-0.5 font-mono text-xs">{f.code}</code>
          </div>
          <p className="mt-1 text-sm break-words">{text(f)}</p>
          {f.path && <p className="mt-1 font-mono text-xs break-all text-muted-fg">{f.path}</p>}
        </li>
      ))}
    </ul>
  );
}

// A <div> may group one dt/dd pair directly inside a <dl>; any deeper wrapper breaks the list for screen readers.
function Fact({ label, children, className = "" }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 ${className}`}>
      <dt className="text-xs font-medium text-muted-fg">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

export function InspectionReport({ inspection, copyLabel, copiedLabel }: { inspection: Inspection; copyLabel: string; copiedLabel: string }) {
  const t = useTranslations("miniPrograms.report");
  const locale = useLocale();
  const bytes = (n: number) => formatBytes(n, locale);
  const complete = readInFull(inspection);
  const claimed = inspection.declaredUncompressedSize ?? inspection.files.reduce((sum, f) => sum + f.size, 0);
  const m = inspection.manifest;
  const list = (items: string[]) =>
    items.length === 0 ? (
      <span className="text-muted-fg">{t("none")}</span>
    ) : (
      <span className="flex flex-wrap gap-1">
        {items.map((p) => (
          <code key={p} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs break-all">
            {p}
          </code>
        ))}
      </span>
    );
  return (
    <section className="space-y-5" aria-label={t("title")} data-testid="inspection-report" data-ok={inspection.ok}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold">{t("title")}</h3>
        {inspection.ok ? <Badge tone="success">{t("passed")}</Badge> : <Badge tone="danger">{t("failed")}</Badge>}
      </div>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Fact label={t("size")}>{bytes(inspection.size)}</Fact>
        <Fact label={t("uncompressed")}>
          <span data-testid="unpacked-size">{complete ? bytes(inspection.uncompressedSize) : t("uncompressedAtLeast", { size: bytes(inspection.uncompressedSize) })}</span>
        </Fact>
        <Fact label={t("fileCount")}>{inspection.fileCount}</Fact>
        {!complete && (
          <p className="col-span-2 text-xs text-warning sm:col-span-3" data-testid="read-stopped">
            {t("readStopped", { read: bytes(inspection.uncompressedSize), claimed: bytes(claimed) })}
          </p>
        )}
        <div className="col-span-2 min-w-0 sm:col-span-3">
          <dt className="text-xs font-medium text-muted-fg">{t("sha256")}</dt>
          <dd className="mt-0.5 flex items-center gap-2">
            <code className="min-w-0 flex-1 rounded bg-muted px-2 py-1 font-mono text-xs break-all" data-testid="package-sha256">
              {inspection.sha256}
            </code>
            <CopyButton value={inspection.sha256} label={copyLabel} copiedLabel={copiedLabel} />
          </dd>
        </div>
      </dl>

      <div className="space-y-2">
        <h4 className="text-sm font-medium">
          {t("errors")} <span className="text-muted-fg">({inspection.errors.length})</span>
        </h4>
        {inspection.errors.length === 0 ? <p className="text-sm text-muted-fg">{t("noErrors")}</p> : <FindingList items={inspection.errors} tone="danger" />}
      </div>

      <div className="space-y-2">
        <h4 className="text-sm font-medium">
          {t("warnings")} <span className="text-muted-fg">({inspection.warnings.length})</span>
        </h4>
        {inspection.warnings.length === 0 ? (
          <p className="text-sm text-muted-fg">{t("noWarnings")}</p>
        ) : (
          <>
            <p className="text-xs text-muted-fg">{t("warningsNote")}</p>
            <FindingList items={inspection.warnings} tone="warning" />
          </>
        )}
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <div className="min-w-0 space-y-2">
          <h4 className="text-sm font-medium">{t("manifest")}</h4>
          {m ? (
            <dl className="grid grid-cols-1 gap-3 rounded-md border border-border p-3 sm:grid-cols-2" data-testid="manifest">
              <Fact label="appId">
                <code className="font-mono text-xs break-all">{m.appId}</code>
              </Fact>
              <Fact label="version">
                <code className="font-mono text-xs">{m.version}</code>
              </Fact>
              <Fact label="name">{m.name}</Fact>
              <Fact label={t("minSdkVersion")}>{m.minSdkVersion ? <code className="font-mono text-xs">{m.minSdkVersion}</code> : <span className="text-muted-fg">{t("none")}</span>}</Fact>
              <Fact label={t("pages")} className="sm:col-span-2">
                {list(m.pages)}
              </Fact>
              <Fact label={t("permissions")} className="sm:col-span-2">
                {list(m.permissions)}
              </Fact>
              <Fact label={t("domains")} className="sm:col-span-2">
                {list(m.domains)}
              </Fact>
            </dl>
          ) : (
            <p className="text-sm text-muted-fg">{t("noManifest")}</p>
          )}
        </div>
        <div className="min-w-0 space-y-2">
          <h4 className="text-sm font-medium">{t("files")}</h4>
          <p className="text-xs text-muted-fg">
            {complete
              ? t("filesSummary", { count: inspection.fileCount, size: bytes(inspection.uncompressedSize) })
              : t("filesSummaryClaimed", { count: inspection.fileCount, size: bytes(claimed) })}
          </p>
          {inspection.files.length > 0 && (
            <div className="rounded-md border border-border p-2">
              <FileTree
                files={inspection.files.map((f) => ({ path: f.path, size: f.size, claimed: !complete && f.sha256 === undefined }))}
                label={t("files")}
                claimedLabel={t("claimedSize")}
                locale={locale}
              />
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
