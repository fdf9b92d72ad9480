import { getTranslations } from "next-intl/server";
import { EmptyState } from "@/components/ui/layout";
import { loadHostPage } from "../data";

// A place held for the assignments feature, which fills this tab.
export default async function HostAssignmentsPage({ params }: { params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  await loadHostPage(org, hostId);
  const t = await getTranslations("hosts.assignments");
  return <EmptyState title={t("title")}>{t("body")}</EmptyState>;
}
