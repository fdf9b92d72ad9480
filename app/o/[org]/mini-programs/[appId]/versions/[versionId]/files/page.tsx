// Every file of a version (issue 17 item 2): the list beside the chosen file, highlighted and paged when it is text,
// shown when it is a small image, described when it is anything else.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { getPageContext } from "@/lib/auth/session";
import { getVersion } from "@/lib/services/versions";
import { listVersionFiles, readVersionFile } from "@/lib/services/version-files";
import { PageHeader } from "@/components/ui/layout";
import { formatBytes } from "@/components/mini-programs/format";
import { orNotFound } from "../../../../page-helpers";

type Params = { org: string; appId: string; versionId: string };
type Search = { path?: string | string[]; page?: string | string[] };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function VersionFilesPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Search> }) {
  const { org, appId, versionId } = await params;
  const sp = await searchParams;
  const ctx = await getPageContext(org);
  const t = await getTranslations("files");
  const locale = await getLocale();
  const v = await orNotFound(getVersion(ctx, versionId));
  if (v.appId !== appId) notFound();
  const files = await listVersionFiles(ctx, versionId);
  const chosen = one(sp.path) ?? files.find((f) => f.path === "app.json")?.path ?? files[0]?.path;
  const shown = chosen && files.some((f) => f.path === chosen) ? await readVersionFile(ctx, versionId, chosen, { page: Number(one(sp.page) ?? 1) }) : null;
  const base = `/o/${org}/mini-programs/${appId}/versions/${versionId}/files`;
  const href = (path: string, page?: number) => `${base}?path=${encodeURIComponent(path)}${page && page > 1 ? `&page=${page}` : ""}`;

  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/mini-programs/${appId}/versions/${versionId}`} className="text-muted-fg hover:text-fg hover:underline">
          ← {v.miniProgramName} {v.version}
        </Link>
      </nav>
      <PageHeader title={t("title", { name: v.miniProgramName, version: v.version })} description={t("description", { count: files.length })} />
      <div className="grid items-start gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <nav aria-label={t("list")} className="rounded-lg border border-border bg-card">
          <ul className="max-h-[70vh] overflow-y-auto py-1 text-sm" data-testid="file-list">
            {files.map((f) => (
              <li key={f.path}>
                <Link
                  href={href(f.path)}
                  aria-current={f.path === chosen ? "page" : undefined}
                  className="flex items-baseline justify-between gap-2 px-3 py-1.5 font-mono text-xs break-all hover:bg-muted aria-[current=page]:bg-muted aria-[current=page]:font-semibold"
                >
                  <span>{f.path}</span>
                  <span className="shrink-0 text-muted-fg">{formatBytes(f.size, locale)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <section aria-labelledby="file-title" className="min-w-0 rounded-lg border border-border bg-card" data-testid="file-view">
          {shown ? (
            <>
              <div className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-4 py-3">
                <h2 id="file-title" className="font-mono text-sm font-semibold break-all">
                  {shown.file.path}
                </h2>
                <span className="text-xs text-muted-fg">
                  {formatBytes(shown.file.size, locale)}
                  {shown.view.kind === "text" ? ` · ${t("lines", { count: shown.view.totalLines })}` : ""}
                </span>
              </div>
              {shown.view.kind === "text" && (
                <>
                  <div className="overflow-x-auto">
                    <div className="grid grid-cols-[auto_minmax(0,1fr)] font-mono text-xs leading-5">
                      <pre aria-hidden="true" className="border-r border-border px-3 py-3 text-right text-muted-fg select-none">
                        {Array.from({ length: shown.view.lineCount }, (_, i) => shown.view.kind === "text" && shown.view.firstLine + i).join("\n")}
                      </pre>
                      {/* highlight.js escapes the source; its HTML only adds <span class="hljs-…"> around tokens. */}
                      <pre className="px-3 py-3">
                        <code className="hljs" data-testid="file-code" dangerouslySetInnerHTML={{ __html: shown.view.html }} />
                      </pre>
                    </div>
                  </div>
                  {shown.view.pages > 1 && (
                    <nav aria-label={t("pages")} className="flex items-center justify-between gap-2 border-t border-border px-4 py-2 text-sm">
                      {shown.view.page > 1 ? <Link href={href(shown.file.path, shown.view.page - 1)}>← {t("previous")}</Link> : <span />}
                      <span className="text-muted-fg" data-testid="file-page">
                        {t("page", { page: shown.view.page, pages: shown.view.pages, from: shown.view.firstLine, to: shown.view.firstLine + shown.view.lineCount - 1 })}
                      </span>
                      {shown.view.page < shown.view.pages ? <Link href={href(shown.file.path, shown.view.page + 1)}>{t("next")} →</Link> : <span />}
                    </nav>
                  )}
                </>
              )}
              {shown.view.kind === "image" && (
                <div className="flex justify-center bg-[repeating-conic-gradient(var(--muted)_0%_25%,transparent_0%_50%)] bg-[length:16px_16px] p-6">
                  {/* eslint-disable-next-line @next/next/no-img-element -- the package's own bytes as a data URL, nothing to optimise */}
                  <img src={shown.view.dataUrl} alt={t("imageAlt", { path: shown.file.path })} className="max-h-[60vh] max-w-full" data-testid="file-image" />
                </div>
              )}
              {shown.view.kind === "binary" && (
                <p className="p-4 text-sm text-muted-fg" data-testid="file-binary">
                  {t(`binary.${shown.view.description}`)} {shown.file.sha256 ? <span className="mt-1 block font-mono text-xs break-all">SHA-256 {shown.file.sha256}</span> : null}
                </p>
              )}
            </>
          ) : (
            <p className="p-4 text-sm text-muted-fg">{t("none")}</p>
          )}
        </section>
      </div>
    </>
  );
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { versionId, org } = await params;
  const t = await getTranslations("files");
  try {
    const v = await getVersion(await getPageContext(org), versionId);
    return { title: t("title", { name: v.miniProgramName, version: v.version }) };
  } catch {
    return { title: t("titleShort") };
  }
}
