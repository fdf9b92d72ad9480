import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { RolloutBar } from "@/components/assignments/badges";
import { HostStateBadge, ReleaseStatusBadge, RingStateBadge } from "@/components/releases/badges";
import { CancelRelease, PromoteRing, ReleaseAutoRefresh } from "@/components/releases/release-actions";
import { DateTime } from "@/components/ui/datetime";
import { Card, Table } from "@/components/ui/layout";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { titledObject } from "@/lib/i18n/metadata";
import { getRelease, type ReleaseJson } from "@/lib/services/releases";

async function load(org: string, id: string): Promise<{ r: ReleaseJson; ctx: Awaited<ReturnType<typeof getPageContext>> }> {
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "catalog.read");
  try {
    return { r: await getRelease(ctx, id), ctx };
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}

export default async function ReleasePage({ params }: { params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const { r, ctx } = await load(org, id);
  const t = await getTranslations("releases");
  const format = await getFormatter();
  const canManage = can(ctx, "assignments.manage");
  const pct = (x: number | null) => (x === null ? "—" : format.number(x, { style: "percent", maximumFractionDigits: 2 }));
  const rolling = r.status === "running" ? r.rings[r.currentRing] : undefined;
  const haltedHost = r.rings.flatMap((ring) => ring.hosts).find((h) => h.state === "halted");

  return (
    <div className="space-y-6">
      <ReleaseAutoRefresh running={r.status === "running"} />
      <Link href={`/o/${org}/releases`} className="inline-block text-sm text-muted-fg hover:text-fg">
        ← {t("detail.back")}
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
            <Link href={`/o/${org}/mini-programs/${r.appId}`} className="hover:underline">
              {r.appId}
            </Link>
            <span className="font-mono">{r.version}</span>
            <ReleaseStatusBadge status={r.status} />
          </h1>
          <p className="text-sm text-muted-fg">
            {r.createdBy && <span>{t("detail.startedBy", { who: r.createdBy })} · </span>}
            <DateTime value={r.createdAt} />
          </p>
          {r.status === "running" && <p className="text-xs text-muted-fg">{t("detail.autoRefresh")}</p>}
        </div>
        {canManage && r.status === "running" && (
          <div className="flex flex-wrap items-start gap-2">
            {rolling && <PromoteRing org={org} id={r.id} ring={r.currentRing} name={rolling.name} version={r.version} />}
            <CancelRelease org={org} id={r.id} revision={r.revision} />
          </div>
        )}
      </div>

      {r.status === "halted" && (
        <div role="alert" data-testid="release-halted" className="rounded-lg border border-danger/40 bg-danger-bg px-4 py-3 text-sm text-danger">
          <p className="font-semibold">{t("detail.halted")}</p>
          {r.haltReason && <p className="mt-1">{r.haltReason}</p>}
          {haltedHost?.assignmentId && (
            <p className="mt-1">
              <Link className="underline" href={`/o/${org}/hosts/${haltedHost.hostId}/assignments/${haltedHost.assignmentId}`}>
                {t("detail.openAssignment", { host: haltedHost.hostName })}
              </Link>
            </p>
          )}
          <p className="mt-1 text-fg/80">{t("detail.haltedHint")}</p>
        </div>
      )}
      {r.status === "completed" && <p className="rounded-lg border border-success/40 bg-success-bg px-4 py-3 text-sm text-success">{t("detail.completed", { version: r.version })}</p>}
      {r.status === "cancelled" && <p className="rounded-lg border border-border bg-muted px-4 py-3 text-sm">{t("detail.cancelled")}</p>}

      <ol className="space-y-4" aria-label={t("form.rings")}>
        {r.rings.map((ring, i) => (
          <li key={i} data-testid="release-ring" data-ring={i} data-state={ring.state}>
            <Card
              title={
                <span className="flex flex-wrap items-center gap-2">
                  {t("detail.ring", { n: i + 1, name: ring.name })}
                  <RingStateBadge state={ring.state} />
                </span>
              }
            >
              <div className="mb-3 space-y-0.5 text-xs text-muted-fg">
                <p>
                  {ring.schedule
                    ? t("detail.schedule", { steps: ring.schedule.steps.map((s) => `${s}%`).join(" → "), minutes: ring.schedule.everyMinutes, promote: String(ring.schedule.promoteAtEnd) })
                    : t("detail.noSchedule")}
                </p>
                <p>
                  {ring.guardrail
                    ? t("detail.guardrail", { rate: pct(ring.guardrail.maxErrorRate), launches: ring.guardrail.minLaunches, minutes: ring.guardrail.windowMinutes })
                    : t("detail.noGuardrail")}
                </p>
                {ring.startedAt && (
                  <p>
                    {t("detail.ringStarted")} <DateTime value={ring.startedAt} />
                  </p>
                )}
              </div>
              <Table caption={t("detail.ring", { n: i + 1, name: ring.name })}>
                <thead>
                  <tr>
                    <th scope="col">{t("detail.host")}</th>
                    <th scope="col">{t("detail.state")}</th>
                    <th scope="col">{t("detail.rollout")}</th>
                    <th scope="col">{t("detail.nextStep")}</th>
                    <th scope="col" className="text-right">
                      {t("detail.launches")}
                    </th>
                    <th scope="col" className="text-right">
                      {t("detail.errorRate")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {ring.hosts.map((h) => {
                    const over = ring.guardrail && h.figures.errorRate !== null && h.figures.errorRate > ring.guardrail.maxErrorRate;
                    return (
                      <tr key={h.hostId} data-testid="release-host" data-host-id={h.hostId} data-state={h.state}>
                        <td>
                          {h.assignmentId ? (
                            <Link href={`/o/${org}/hosts/${h.hostId}/assignments/${h.assignmentId}`} className="font-medium text-primary hover:underline" aria-label={t("detail.openAssignment", { host: h.hostName })}>
                              {h.hostName}
                            </Link>
                          ) : (
                            <span className="font-medium">{h.hostName}</span>
                          )}
                          {h.haltReason && <p className="mt-1 max-w-md text-xs text-danger">{h.haltReason}</p>}
                        </td>
                        <td>
                          <HostStateBadge state={h.state} version={r.version} />
                        </td>
                        <td>{h.state === "waiting" || h.state === "removed" ? "—" : <RolloutBar percent={h.rolloutPercent} paused={h.state === "paused" || h.state === "halted"} />}</td>
                        <td className="text-muted-fg">{h.nextStepAt ? <DateTime value={h.nextStepAt} preset="relative" /> : "—"}</td>
                        <td className="text-right tabular-nums">{ring.state === "pending" ? "—" : format.number(h.figures.launches)}</td>
                        <td className={`text-right tabular-nums ${over ? "font-semibold text-danger" : ""}`}>{ring.state === "pending" ? "—" : pct(h.figures.errorRate)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
              {ring.state !== "pending" && <p className="mt-2 text-xs text-muted-fg">{t("detail.figuresWindow", { version: r.version, minutes: ring.guardrail?.windowMinutes ?? 60 })}</p>}
            </Card>
          </li>
        ))}
      </ol>
    </div>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; id: string }> }): Promise<Metadata> {
  const { org, id } = await params;
  return titledObject(async () => {
    const { r } = await load(org, id);
    return `${r.appId} ${r.version}`;
  }, { namespace: "releases", key: "title" });
}
