// The decisions on a version, newest last: status, reviewer, time, catalog reasons and comment.
// Shown to reviewers on the review page and to developers on the version page.
import { getFormatter, getTranslations } from "next-intl/server";
import type { ReviewJson } from "@/lib/services/versions";
import { VersionStatusBadge } from "@/components/mini-programs/status-badge";
import { Badge } from "@/components/ui/layout";

export async function ReviewHistory({ reviews, emptyText }: { reviews: ReviewJson[]; emptyText: string }) {
  const t = await getTranslations("reviews");
  const format = await getFormatter();
  if (reviews.length === 0) return <p className="text-sm text-muted-fg">{emptyText}</p>;
  const reasonLabel = (r: string) => (t.has(`page.reasonsCatalog.${r}`) ? t(`page.reasonsCatalog.${r}`) : r);
  return (
    <ol className="space-y-3" data-testid="review-history">
      {reviews.map((r, i) => (
        <li key={i} className="rounded-md border border-border p-3 text-sm">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <VersionStatusBadge status={r.decision} />
            <time className="text-xs text-muted-fg" dateTime={r.at}>
              {format.dateTime(new Date(r.at), "dateTime")}
            </time>
          </div>
          <div className="mt-1 text-xs break-all text-muted-fg">{r.reviewer ?? t("unknownUser")}</div>
          {r.reasons.length > 0 && (
            <div className="mt-2 flex flex-wrap items-center gap-1">
              <span className="text-xs text-muted-fg">{t("page.reasons")}:</span>
              {r.reasons.map((reason) => (
                <Badge key={reason} tone="danger">
                  {reasonLabel(reason)}
                </Badge>
              ))}
            </div>
          )}
          {r.comment && <p className="mt-2 whitespace-pre-wrap break-words">{r.comment}</p>}
        </li>
      ))}
    </ol>
  );
}
