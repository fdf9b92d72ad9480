import { getTranslations } from "next-intl/server";
import { Card } from "./layout";

/** A card's frame while what it shows streams in behind the rest of the page (a Suspense fallback). */
export async function LoadingCard({ title, testId, className }: { title: string; testId: string; className?: string }) {
  const t = await getTranslations("common");
  return (
    <Card title={title} className={className}>
      <p className="text-sm text-muted-fg" aria-busy="true" data-testid={testId}>
        {t("loading")}
      </p>
    </Card>
  );
}
