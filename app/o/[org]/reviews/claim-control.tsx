"use client";
// Claim or release a review. Who holds a claim is shown to everyone; the server decides who may change it.
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { useOrgAction } from "@/components/use-org-action";
import { claimReviewAction, releaseReviewAction } from "@/lib/actions/reviews";

export function ClaimControl({
  org,
  versionId,
  holder,
  mine,
  canRelease,
  size = "sm",
}: {
  org: string;
  versionId: string;
  /** Name or email of whoever holds the claim; null when unclaimed. */
  holder: string | null;
  mine: boolean;
  /** Owners and admins may free someone else's claim. */
  canRelease: boolean;
  size?: "sm" | "md";
}) {
  const t = useTranslations("reviews.claim");
  const { pending, error, run } = useOrgAction();
  return (
    <div className="flex flex-col items-start gap-1" data-testid="claim-control">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm" data-testid="claim-holder">
          {mine ? <span className="font-medium">{t("claimedByYou")}</span> : holder ? t("claimedBy", { name: holder }) : <span className="text-muted-fg">{t("unclaimed")}</span>}
        </span>
        {!holder && (
          <Button size={size} disabled={pending} onClick={() => run(() => claimReviewAction(org, { versionId }))}>
            {t("claim")}
          </Button>
        )}
        {holder && (mine || canRelease) && (
          <Button size={size} variant="ghost" disabled={pending} onClick={() => run(() => releaseReviewAction(org, { versionId }))}>
            {t("release")}
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error.message}
        </p>
      )}
    </div>
  );
}
