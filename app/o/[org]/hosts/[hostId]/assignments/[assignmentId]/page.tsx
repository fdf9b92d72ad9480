import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import semver from "semver";
import { DeliveryBadge, RolloutBar, RolloutStateBadge, rolloutState } from "@/components/assignments/badges";
import { ReasonList } from "@/components/assignments/reasons";
import { ReplaceStable } from "@/components/assignments/replace-stable";
import { RolloutPanel } from "@/components/assignments/rollout-panel";
import { ServingSummary } from "@/components/assignments/serving-summary";
import { AssignmentTimeline } from "@/components/assignments/timeline";
import { Badge, Card } from "@/components/ui/layout";
import { RevokeControl } from "@/components/versions/revoke-control";
import { can } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { assignableForHost, getAssignment, listAssignmentEvents, type AssignedVersionJson, type AssignmentJson } from "@/lib/services/assignments";
import { loadHostPage } from "../../data";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";

async function load(ctx: Parameters<typeof getAssignment>[0], id: string, hostId: string): Promise<AssignmentJson> {
  try {
    const a = await getAssignment(ctx, id);
    // An assignment reached through another host's URL is not this page's.
    if (a.hostId !== hostId) notFound();
    return a;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}

export default async function AssignmentPage({ params }: { params: Promise<{ org: string; hostId: string; assignmentId: string }> }) {
  const { org, hostId, assignmentId } = await params;
  const { ctx, host } = await loadHostPage(org, hostId);
  const t = await getTranslations("assignments");
  const tr = await getTranslations("release");
  const format = await getFormatter();
  const a = await load(ctx, assignmentId, host.id);
  const canManage = can(ctx, "assignments.manage");
  const canRevoke = can(ctx, "versions.revoke");
  const [events, assignable] = await Promise.all([listAssignmentEvents(ctx, a.id, { limit: 200 }), canManage ? assignableForHost(ctx, host.id) : Promise.resolve([])]);
  const stableVersion = a.stable?.version ?? "0.0.0";
  const approved = assignable.find((m) => m.appId === a.appId)?.versions ?? [];
  const candidates = approved.filter((v) => semver.gt(v.version, stableVersion));
  // The kill switch for what this assignment serves (owners, admins, reviewers): revoking acts on every host.
  const revocable = canRevoke
    ? [
        { role: "stable" as const, v: a.stable },
        { role: "candidate" as const, v: a.candidate },
      ].filter((x): x is { role: "stable" | "candidate"; v: AssignedVersionJson } => x.v?.status === "approved")
    : [];
  const listHref = `/o/${org}/hosts/${host.id}/assignments`;
  const versionHref = (v: AssignedVersionJson) => `/o/${org}/mini-programs/${a.appId}/versions/${v.id}`;

  const versionRow = (label: string, v: AssignedVersionJson | null, empty: string, held = false) => (
    <div className="flex flex-wrap items-center justify-between gap-2 py-2">
      <dt className="text-sm text-muted-fg">{label}</dt>
      <dd className="flex flex-wrap items-center gap-2 text-sm">
        {v ? (
          <>
            <Link href={versionHref(v)} className="font-mono font-medium text-primary hover:underline" aria-label={t("detail.openVersion", { version: v.version })}>
              {v.version}
            </Link>
            {/* A paused candidate is deliverable but reaches no one: say so, not "Delivered". */}
            {held ? (
              <span data-testid="delivery" data-delivery="held">
                <Badge tone="warning">{tr("held")}</Badge>
              </span>
            ) : (
              <DeliveryBadge delivery={v.delivery} />
            )}
          </>
        ) : (
          <span className="text-muted-fg">{empty}</span>
        )}
      </dd>
    </div>
  );

  return (
    <div className="space-y-6">
      <Link href={listHref} className="inline-block text-sm text-muted-fg hover:text-fg">
        ← {t("detail.back")}
      </Link>
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold">
          <Link href={`/o/${org}/mini-programs/${a.appId}`} className="hover:underline">
            {a.miniProgramName}
          </Link>
        </h2>
        <code className="font-mono text-xs text-muted-fg">{a.appId}</code>
        <RolloutStateBadge state={rolloutState(a)} />
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="space-y-6">
          <Card title={t("detail.versions")}>
            <ServingSummary assignment={a} />
            <dl className="mt-2 divide-y divide-border">
              {versionRow(t("detail.stable"), a.stable, t("none"))}
              {versionRow(t("detail.candidate"), a.candidate, t("detail.noCandidate"), a.paused && a.candidate?.delivery === "delivered")}
              {a.candidate && (
                <div className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <dt className="text-sm text-muted-fg">{t("columns.rollout")}</dt>
                  <dd>
                    <RolloutBar percent={a.rolloutPercent} paused={a.paused} />
                  </dd>
                </div>
              )}
              {versionRow(t("detail.previousStable"), a.previousStable, t("detail.noPrevious"))}
            </dl>
            <ReasonList reasons={[a.stable, a.candidate].flatMap((v) => v?.reasons ?? [])} className="mt-3 text-xs text-warning" />
            <p className="mt-3 text-xs text-muted-fg">
              {t("detail.revision", { revision: a.revision })} · {t("detail.updated", { when: format.relativeTime(new Date(a.updatedAt)) })}
            </p>
          </Card>
          {canManage ? (
            <Card title={t("rollout.title")}>
              <RolloutPanel
                org={org}
                listHref={listHref}
                canManage={canManage}
                candidates={candidates}
                assignment={{
                  id: a.id,
                  revision: a.revision,
                  hostName: a.hostName,
                  miniProgramName: a.miniProgramName,
                  rolloutPercent: a.rolloutPercent,
                  paused: a.paused,
                  stable: a.stable,
                  candidate: a.candidate,
                  previousStable: a.previousStable,
                }}
              />
            </Card>
          ) : (
            <p className="text-xs text-muted-fg">{t("readOnly")}</p>
          )}
          {canManage && (
            <Card title={tr("replaceStable.title")}>
              <ReplaceStable
                org={org}
                assignment={{ id: a.id, revision: a.revision, hostName: a.hostName, stable: a.stable, candidate: a.candidate }}
                versions={approved}
              />
            </Card>
          )}
        </div>
        <div className="min-w-0 space-y-6">
          {revocable.length > 0 && (
            <Card title={tr("killSwitch.title")}>
              <div className="space-y-4" data-testid="assignment-kill-switch">
                <p className="text-sm text-muted-fg">{tr("killSwitch.explain")}</p>
                {revocable.map(({ role, v }) => (
                  <div key={v.id} className="space-y-1">
                    <p className="text-xs font-medium text-muted-fg">{tr(`killSwitch.${role}`)}</p>
                    <RevokeControl org={org} versionId={v.id} names={{ app: a.miniProgramName, version: v.version }} explain={false} size="sm" />
                  </div>
                ))}
              </div>
            </Card>
          )}
          <Card title={t("timeline.title")}>
            <AssignmentTimeline events={events.items} />
          </Card>
        </div>
      </div>
    </div>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; hostId: string; assignmentId: string }> }): Promise<Metadata> {
  const { org, hostId, assignmentId } = await params;
  return titledObject(async () => {
    const { ctx } = await loadHostPage(org, hostId);
    const a = await getAssignment(ctx, assignmentId);
    return (await getTranslations("meta"))("assignment", { app: a.miniProgramName, host: a.hostName });
  }, { namespace: "hosts.tabs", key: "assignments" });
}
