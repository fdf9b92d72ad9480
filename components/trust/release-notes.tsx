// A version's release notes (CONTRACT §13). Markdown is shown as its source text, preformatted: never parsed into
// HTML, so nothing a developer writes can inject markup into a reviewer's page.
import { getTranslations } from "next-intl/server";

export async function ReleaseNotes({ notes, compact = false }: { notes: string; compact?: boolean }) {
  const t = await getTranslations("trust.notes");
  if (!notes.trim()) return <p className="text-sm text-muted-fg" data-testid="release-notes-empty">{t("empty")}</p>;
  const body = (
    <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-muted px-3 py-2 font-sans text-sm" data-testid="release-notes">
      {notes}
    </pre>
  );
  if (!compact) return body;
  return (
    <details className="rounded-md border border-border" data-testid="release-notes-details">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{t("title")}</summary>
      <div className="px-3 pb-3">{body}</div>
    </details>
  );
}
