// "Where it runs" on a mini-program's page: the host apps running it, and (for owners and admins) assigning it
// to another. The one assignments component that reads data itself, so the mini-program page needs one line.
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/layout";
import { can, type OrgContext } from "@/lib/authz/context";
import { assignableHostsFor, listMiniProgramAssignments } from "@/lib/services/assignments";
import { listMiniProgramRequests } from "@/lib/services/permission-requests";
import { RequestsTable } from "@/components/permission-requests/requests-table";
import { AssignForm, type AssignTarget } from "./assign-form";
import { AssignmentsTable } from "./assignments-table";

export async function WhereItRuns({ ctx, org, appId }: { ctx: OrgContext; org: string; appId: string }) {
  const t = await getTranslations("assignments");
  const tr = await getTranslations("permissionRequests");
  const canManage = can(ctx, "assignments.manage");
  // Whoever may upload versions (a developer, on mini-programs they collaborate on) may check a version against
  // each host's policy and ask for what is missing (CONTRACT §12), without assigning.
  const canRequest = can(ctx, "miniPrograms.write");
  const [items, options, requests] = await Promise.all([
    listMiniProgramAssignments(ctx, appId),
    canManage || canRequest ? assignableHostsFor(ctx, appId) : Promise.resolve(null),
    listMiniProgramRequests(ctx, appId),
  ]);
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
        {(canManage || canRequest) && (
          <div className="space-y-3 border-t border-border pt-4">
            <h3 className="text-sm font-semibold">{canManage ? t("assign.titleHost") : t("assign.checkTitle")}</h3>
            <AssignForm org={org} mode="miniProgram" targets={targets} canAssign={canManage} canRequest={canRequest} />
          </div>
        )}
        {(requests.length > 0 || canRequest) && (
          <div className="space-y-3 border-t border-border pt-4" id="permission-requests">
            <h3 className="text-sm font-semibold">{tr("mine")}</h3>
            {requests.length === 0 ? <p className="text-sm text-muted-fg">{tr("mineEmpty")}</p> : <RequestsTable items={requests} subject="host" org={org} />}
          </div>
        )}
      </div>
    </Card>
  );
}
