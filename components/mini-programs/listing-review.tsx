// The listing beside a version under review: icon, screenshots, the privacy declaration next to the permissions
// the package declares, and the `undeclared_privacy` warning for a declared permission the declaration does not
// explain (computed at read time).
import { getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/layout";
import type { ReviewListing } from "@/lib/services/listing";

export async function ListingReview({ org, appId, name, listing, declared }: { org: string; appId: string; name: string; listing: ReviewListing; declared: readonly string[] }) {
  const t = await getTranslations("listing");
  const th = await getTranslations("hosts.permission");
  const label = (p: string) => (th.has(p) ? th(p) : p);
  const src = (id: string) => `/o/${org}/mini-programs/${appId}/listing/${id}`;
  const byPermission = new Map(listing.privacy.map((r) => [r.permission, r]));
  return (
    <div className="space-y-4" data-testid="listing-review">
      {listing.unexplained.length > 0 ? (
        <div role="note" className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning" data-testid="finding-undeclared_privacy" data-code="undeclared_privacy">
          <p className="font-medium">{t("undeclaredTitle")}</p>
          <p>{t("undeclared", { permissions: listing.unexplained.map(label).join(", ") })}</p>
        </div>
      ) : declared.length > 0 ? (
        <p className="text-sm text-muted-fg">{t("allExplained")}</p>
      ) : null}
      <div className="flex flex-wrap items-start gap-3">
        {listing.icon ? (
          // eslint-disable-next-line @next/next/no-img-element -- served by our own authorizing route
          <img src={src(listing.icon.id)} alt={t("iconAlt", { name })} width={64} height={64} className="size-16 rounded-xl border border-border object-cover" data-testid="review-icon" />
        ) : (
          <span className="text-sm text-muted-fg">{t("noIcon")}</span>
        )}
        {listing.screenshots.map((m, i) => (
          // eslint-disable-next-line @next/next/no-img-element -- served by our own authorizing route
          <img key={m.id} src={src(m.id)} alt={t("screenshotAlt", { n: i + 1 })} className="h-32 w-auto max-w-[40vw] rounded border border-border object-contain" data-testid="review-screenshot" />
        ))}
      </div>
      <div className="space-y-2">
        <h3 className="text-sm font-semibold">{t("declaredPermissions")}</h3>
        {declared.length === 0 ? (
          <p className="text-sm text-muted-fg">{t("none")}</p>
        ) : (
          <ul className="divide-y divide-border rounded-md border border-border text-sm" data-testid="privacy-by-permission">
            {declared.map((p) => {
              const row = byPermission.get(p);
              return (
                <li key={p} className="space-y-1 px-3 py-2" data-permission={p}>
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{label(p)}</span>
                    {row ? <Badge tone="success">{t("explained")}</Badge> : <Badge tone="warning">undeclared_privacy</Badge>}
                  </div>
                  {row && (
                    <dl className="grid gap-1 text-xs sm:grid-cols-[10rem_1fr]">
                      <dt className="text-muted-fg">{t("data")}</dt>
                      <dd className="break-words">{row.data}</dd>
                      <dt className="text-muted-fg">{t("purpose")}</dt>
                      <dd className="break-words">{row.purpose}</dd>
                    </dl>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {listing.privacy.some((r) => !declared.includes(r.permission)) && (
        <div className="space-y-1">
          <h3 className="text-sm font-semibold">{t("privacy")}</h3>
          <ul className="space-y-1 text-xs">
            {listing.privacy
              .filter((r) => !declared.includes(r.permission))
              .map((r) => (
                <li key={r.permission} className="break-words">
                  <span className="font-medium">{label(r.permission)}</span>: {r.data} — {r.purpose}
                </li>
              ))}
          </ul>
        </div>
      )}
    </div>
  );
}
