import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import semver from "semver";
import { DeliveryBadge, RolloutBar, RolloutStateBadge, rolloutState } from "@/components/assignments/badges";
import { ReasonList } from "@/components/assignments/reasons";
import { ReplaceStable } from "@/components/assignments/replace-stable";
import { RolloutPanel } from "@/components/assignments/rollout-panel";
import { ServingSummary } from "@/components/assignments/serving-summary";
import { ReleaseControl } from "@/components/assignments/release-control";
import { HaltIcon } from "@/components/assignments/halt-icon";
import { HaltReason } from "@/components/assignments/halt-reason";
import { ResumeHalted } from "@/components/assignments/resume-halted";
import { AssignmentTimeline } from "@/components/assignments/timeline";
import { CopyButton } from "@/components/ui/copy-button";
import { DateTime } from "@/components/ui/datetime";
import { trialDeepLink } from "@/lib/release/deep-link";
import { Badge, Card } from "@/components/ui/layout";
import { RevokeControl } from "@/components/versions/revoke-control";
import { can } from "@/lib/authz/context";
import { ErrorGroupsLink } from "@/components/analytics/error-groups-link";
import { AppError } from "@/lib/errors";
import { assignableForHost, getAssignment, listAssignmentEvents, type AssignedVersionJson, type AssignmentJson } from "@/lib/services/assignments";
import { haltFiguresOf, rolloutComparison, trialOptions } from "@/lib/services/release-control-reads";
import QRCode from "qrcode";
import { loadHostPage } from "../../data";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";
import { ReleaseNotes } from "@/components/trust/release-notes";
import { getVersion } from "@/lib/services/versions";

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
  const canAnalytics = can(ctx, "analytics.view");
  const tc = await getTranslations("releaseControl");
  const tcommon = await getTranslations("common");
  const tn = await getTranslations("trust.notes");
  // Release notes of what this assignment serves (CONTRACT §13): the candidate's when there is one, and the stable's.
  const notesOf = [a.candidate, a.stable].filter((v): v is AssignedVersionJson => v !== null && v !== undefined);
  const notes = await Promise.all(notesOf.map(async (v) => ({ version: v.version, notes: (await getVersion(ctx, v.id).catch(() => null))?.notes ?? "" })));
  const [events, assignable, trialChoices, compare] = await Promise.all([
    listAssignmentEvents(ctx, a.id, { limit: 200 }),
    canManage ? assignableForHost(ctx, host.id) : Promise.resolve([]),
    trialOptions(ctx, a.id),
    rolloutComparison(ctx, a),
  ]);
  // The tester's deep link and its QR code (CONTRACT §8), drawn here: no script, nothing to load.
  const link = a.trial && host.urlScheme ? trialDeepLink(host.urlScheme, a.appId, a.trial.id) : null;
  const qr = link ? await QRCode.toString(link, { type: "svg", margin: 2, errorCorrectionLevel: "M" }) : null;
  // The reason in the reader's language, from the figures the halt recorded; the stored English text otherwise.
  const haltFigures = a.haltedBy === "guardrail" ? haltFiguresOf(events.items.find((e) => e.action === "halt")?.to) : null;
  const pct = (x: number | null) => (x === null ? "—" : format.number(x, { style: "percent", maximumFractionDigits: 2 }));
  const secs = (ms: number | null) => (ms === null ? "—" : format.number(ms / 1000, { style: "unit", unit: "second", maximumFractionDigits: 1 }));
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
            {canAnalytics && <ErrorGroupsLink org={org} appId={a.appId} version={v.version} hostId={host.id} compact />}
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

      {a.haltedBy && (
        <section
          role="alert"
          aria-labelledby="halt-title"
          data-testid="halt-banner"
          data-halted-by={a.haltedBy}
          className="flex flex-col gap-4 rounded-lg border-2 border-danger/60 bg-danger-bg px-4 py-4 text-sm text-danger sm:flex-row sm:items-start sm:justify-between"
        >
          <div className="min-w-0 space-y-1.5">
            <h3 id="halt-title" className="flex items-center gap-2 text-base font-semibold">
              <HaltIcon className="size-5" />
              {a.haltedBy === "guardrail" ? tc("halt.title") : tc("halt.titleRelease")}
            </h3>
            <HaltReason figures={haltFigures} reason={a.haltReason} className="break-words font-medium" data-testid="halt-reason" />
            {a.haltedAt && (
              <p className="text-xs" data-testid="halted-at">
                {tc.rich("halt.at", { when: () => <DateTime value={a.haltedAt!} preset="dateTimeZone" /> })}
              </p>
            )}
            <p className="text-fg">{a.candidate ? tc("halt.body") : tc("halt.bodyNoCandidate")}</p>
            {a.haltedBy === "release" && a.releaseId && (
              <Link href={`/o/${org}/releases/${a.releaseId}`} className="inline-block font-medium underline">
                {tc("halt.openRelease")}
              </Link>
            )}
          </div>
          {canManage && a.candidate && <ResumeHalted org={org} id={a.id} revision={a.revision} version={a.candidate.version} />}
        </section>
      )}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-6">
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
          {notes.length > 0 && (
            <Card title={tn("title")}>
              <div className="space-y-4" data-testid="assignment-release-notes">
                {notes.map((n) => (
                  <div key={n.version} className="space-y-1">
                    <h3 className="font-mono text-sm font-semibold">{n.version}</h3>
                    <ReleaseNotes notes={n.notes} />
                  </div>
                ))}
              </div>
            </Card>
          )}
          {compare && (
            <Card title={tc("compare.title")}>
              <div data-testid="rollout-compare" data-over={compare.over}>
                <p className="mb-3 text-xs text-muted-fg">
                  {a.guardrail ? tc("compare.windowGuardrail", { minutes: compare.windowMinutes }) : tc("compare.window", { minutes: compare.windowMinutes })}
                </p>
                <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={tc("compare.title")}>
                  <table className="w-full min-w-[20rem] text-sm [&_td]:py-2 [&_td]:pl-3 [&_th]:py-2 [&_th]:text-left [&_th]:text-xs [&_th]:font-medium [&_th]:text-muted-fg">
                    <caption className="sr-only">{tc("compare.caption", { minutes: compare.windowMinutes })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{tc("compare.version")}</th>
                        <th scope="col" className="pl-3 !text-right">{tc("compare.launches")}</th>
                        <th scope="col" className="pl-3 !text-right">{tc("compare.users")}</th>
                        <th scope="col" className="pl-3 !text-right">{tc("compare.errorRate")}</th>
                        <th scope="col" className="pl-3 !text-right">{tc("compare.avgSession")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {(["stable", "candidate"] as const).map((role) => {
                        const f = compare[role];
                        const over = role === "candidate" && compare.over;
                        return (
                          <tr key={role} data-role={role} className="border-t border-border">
                            <th scope="row" className="!text-sm !font-normal !text-fg">
                              <span className="block text-xs text-muted-fg">{tc(`compare.${role}`)}</span>
                              <span className="font-mono">{f.version}</span>
                            </th>
                            <td className="text-right tabular-nums">{format.number(f.launches)}</td>
                            <td className="text-right tabular-nums">{format.number(f.users)}</td>
                            <td className={`text-right tabular-nums ${over ? "font-semibold text-danger" : ""}`} data-testid={`${role}-error-rate`} data-over={over || undefined}>
                              {over && <span aria-hidden="true">▲ </span>}
                              {pct(f.errorRate)}
                              {over && <span className="sr-only"> ({tc("compare.overSr")})</span>}
                            </td>
                            <td className="text-right tabular-nums">{secs(f.avgSessionMs)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
                {compare.maxErrorRate !== null && (
                  <p className={`mt-3 text-xs ${compare.over ? "font-medium text-danger" : "text-muted-fg"}`} data-testid="compare-ceiling">
                    {compare.over
                      ? tc(compare.candidate.launches >= (compare.minLaunches ?? 0) ? "compare.over" : "compare.overFewLaunches", {
                          max: pct(compare.maxErrorRate),
                          min: compare.minLaunches ?? 0,
                        })
                      : tc("compare.ceiling", { max: pct(compare.maxErrorRate), min: compare.minLaunches ?? 0 })}
                  </p>
                )}
              </div>
            </Card>
          )}
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
          <Card title={tc("title")}>
            <ReleaseControl
              org={org}
              canManage={canManage}
              trialChoices={trialChoices}
              assignment={{
                id: a.id,
                revision: a.revision,
                hasCandidate: !!a.candidate,
                rolloutPercent: a.rolloutPercent,
                paused: a.paused,
                rules: a.rules,
                trialVersionId: a.trialVersionId,
                testers: a.testers,
                schedule: a.schedule ? { steps: a.schedule.steps, everyMinutes: a.schedule.everyMinutes, promoteAtEnd: a.schedule.promoteAtEnd } : null,
                nextStepAt: a.schedule?.nextStepAt ?? null,
                guardrail: a.guardrail,
              }}
            />
          </Card>
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
          <Card title={tc("qr.title")}>
            <div className="space-y-3" data-testid="trial-qr-card">
              {!a.trial ? (
                <p className="text-sm text-muted-fg">{tc("qr.noTrial")}</p>
              ) : !link || !qr ? (
                <p className="text-sm text-muted-fg" data-testid="trial-no-scheme">
                  {tc("qr.noScheme")}{" "}
                  <Link href={`/o/${org}/hosts/${host.id}#edit-host-url-scheme`} className="font-medium text-primary hover:underline">
                    {tc("qr.settings")}
                  </Link>
                </p>
              ) : (
                <>
                  <p className="text-xs text-muted-fg">{tc("qr.hint", { version: a.trial.version })}</p>
                  <div
                    role="img"
                    aria-label={tc("qr.alt", { link })}
                    data-testid="trial-qr"
                    className="mx-auto w-48 rounded-md border border-border bg-white p-1 [&_svg]:h-auto [&_svg]:w-full"
                    // The SVG comes from the qrcode package, from a link whose parts were all validated (scheme,
                    // appId, version id): no user text reaches it unescaped.
                    dangerouslySetInnerHTML={{ __html: qr }}
                  />
                  <div className="flex items-start gap-2">
                    <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1.5 font-mono text-xs" data-testid="trial-link">
                      {link}
                    </code>
                    <CopyButton value={link} label={tcommon("copy")} copiedLabel={tcommon("copied")} />
                  </div>
                </>
              )}
              {a.trial && a.testers.length === 0 && <p className="text-xs text-warning">{tc("qr.noTesters")}</p>}
              {a.trial && a.trial.delivery !== "delivered" && (
                <div className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-xs text-warning" data-testid="trial-not-delivered">
                  <p>{tc("qr.notDelivered", { version: a.trial.version })}</p>
                  <ReasonList reasons={a.trial.reasons} />
                </div>
              )}
            </div>
          </Card>
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
