// "Where it runs" on a mini-program's page: the host apps running it, and (for owners and admins) assigning it
// to another. The one assignments component that reads data itself, so the mini-program page needs one line.
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/layout";
import { can, type OrgContext } from "@/lib/authz/context";
import { assignableHostsFor, listMiniProgramAssignments } from "@/lib/services/assignments";
import { AssignForm, type AssignTarget } from "./assign-form";
import { AssignmentsTable } from "./assignments-table";

export async function WhereItRuns({ ctx, org, appId }: { ctx: OrgContext; org: string; appId: string }) {
  const t = await getTranslations("assignments");
  const canManage = can(ctx, "assignments.manage");
  const [items, options] = await Promise.all([listMiniProgramAssignments(ctx, appId), canManage ? assignableHostsFor(ctx, appId) : Promise.resolve(null)]);
  const targets: AssignTarget[] = (options?.hosts ?? []).map((h) => ({
    hostId: h.id,
    appId,
    label: h.name,
    note: h.assignmentId ? "alreadyAssigned" : h.status === "disabled" ? "disabledHost" : null,
    versions: (options?.versions ?? []).map((v) => ({ ...v, reasons: h.reasons[v.id] ?? [] })),
  }));
  return (
    <Card title={t("whereItRuns.title")}>
      <div className="space-y-6" data-testid="where-it-runs">
        {items.length === 0 ? (
          <p className="text-sm text-muted-fg">{t("whereItRuns.empty")}</p>
        ) : (
          <AssignmentsTable
            items={items}
            subject="host"
            hrefOf={(a) => `/o/${org}/hosts/${a.hostId}/assignments/${a.id}`}
            linkLabel={canManage ? t("manage") : t("details")}
            caption={t("whereItRuns.caption")}
          />
        )}
        {canManage && (
          <div className="space-y-3 border-t border-border pt-4">
            <h3 className="text-sm font-semibold">{t("assign.titleHost")}</h3>
            <AssignForm org={org} mode="miniProgram" targets={targets} />
          </div>
        )}
      </div>
    </Card>
  );
}
