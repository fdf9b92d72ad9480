import { getTranslations } from "next-intl/server";
import { AssignForm, type AssignTarget } from "@/components/assignments/assign-form";
import { AssignmentsTable } from "@/components/assignments/assignments-table";
import { Card, EmptyState } from "@/components/ui/layout";
import { can } from "@/lib/authz/context";
import { assignableForHost, listHostAssignments } from "@/lib/services/assignments";
import { loadHostPage } from "../data";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";

export default async function HostAssignmentsPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string; hostId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org, hostId } = await params;
  // `?appId&versionId`: the assign form opens with them chosen (a recommendation's "Assign" on the host page).
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const appIdParam = one(sp.appId);
  const initial = appIdParam ? { appId: appIdParam, versionId: one(sp.versionId) } : undefined;
  const { ctx, host } = await loadHostPage(org, hostId);
  const t = await getTranslations("assignments");
  const canManage = can(ctx, "assignments.manage");
  const [{ items }, assignable] = await Promise.all([listHostAssignments(ctx, host.id, { limit: 200 }), canManage ? assignableForHost(ctx, host.id) : Promise.resolve([])]);
  const base = `/o/${org}/hosts/${host.id}/assignments`;
  const targets: AssignTarget[] = assignable.map((mp) => ({
    hostId: host.id,
    appId: mp.appId,
    label: mp.name,
    note: mp.assignmentId ? "alreadyAssigned" : null,
    versions: mp.versions,
    hostName: host.name,
  }));
  return (
    <div className="space-y-6">
      <p className="text-sm text-muted-fg">{t("description")}</p>
      {items.length === 0 ? (
        <EmptyState title={t("empty")}>{canManage ? t("emptyManage") : null}</EmptyState>
      ) : (
        <AssignmentsTable items={items} subject="miniProgram" hrefOf={(a) => `${base}/${a.id}`} linkLabel={canManage ? t("manage") : t("details")} caption={t("listCaption")} />
      )}
      {canManage ? (
        <div id="assign" className="scroll-mt-4">
          <Card title={t("assign.title")}>
            <AssignForm org={org} mode="host" targets={targets} initial={initial} canRequest={can(ctx, "miniPrograms.write")} />
          </Card>
        </div>
      ) : (
        <p className="text-xs text-muted-fg">{t("readOnly")}</p>
      )}
    </div>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; hostId: string }> }): Promise<Metadata> {
  const { org, hostId } = await params;
  const section = (await getTranslations("hosts.tabs"))("assignments");
  return titledObject(async () => (await getTranslations("meta"))("hostSection", { section, host: (await loadHostPage(org, hostId)).host.name }), { namespace: "hosts.tabs", key: "assignments" });
}
