import { getTranslations } from "next-intl/server";
import { Card } from "./layout";
import { SkeletonLines } from "./skeleton";

/**
 * A card's frame while what it shows streams in behind the rest of the page (a Suspense fallback): its title, and
 * `skeleton` (./skeleton.tsx) shaped and sized like the content to come; "Loading…" for screen readers.
 */
export async function LoadingCard({ title, testId, className, skeleton }: { title: string; testId: string; className?: string; skeleton?: React.ReactNode }) {
  const t = await getTranslations("common");
  return (
    <Card title={title} className={className}>
      <div role="status" aria-busy="true" data-testid={testId}>
        <span className="sr-only">{t("loading")}</span>
        {skeleton ?? <SkeletonLines lines={2} />}
      </div>
    </Card>
  );
}
