// Review of submitted versions (CONTRACT §1, §5): the queue, claims, the review page's diff and risk, and
// the decisions (approve, reject) and kill switch (revoke). Every state change is one conditional UPDATE
// whose row count decides between success and 409, with its audit entry, review row and webhook deliveries
// in the same transaction. Separation of duties: nobody approves or rejects a version they uploaded.
import { and, asc, count, desc, eq, inArray, isNull, lt, min, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { memberships, miniPrograms, REJECTION_REASONS, reviews, users, versions, type VersionStatus } from "@/db/schema";
import { authorize, can, type OrgContext } from "@/lib/authz/context";
import { PERMISSIONS } from "@/lib/authz/permissions";
import { recordAudit } from "@/lib/audit";
import { getBlobStore, readBlob, type BlobStore } from "@/lib/blobs";
import { conflict, forbidden, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { LIMITS } from "@/lib/packages/catalog";
import { diffPackages, riskScore, type PackageDiff, type Risk } from "@/lib/packages/diff";
import type { Inspection } from "@/lib/packages/inspect";
import { kickWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { invalidateManifest, touchManifests } from "@/lib/sdk-server/snapshot";
import { selectVersion, type VersionWithNames } from "@/db/queries/versions";
import { dropTrialVersion, recordRevocationOnTimelines } from "./assignments";
import { versionToJson, type ReviewJson, type VersionDetailJson, type VersionJson } from "./versions";
import { emitVersionEvent } from "./webhooks";

export { REJECTION_REASONS };
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const RISK_LEVELS = ["low", "medium", "high"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

const HOUR_MS = 3_600_000;
/** Waiting longer than these is marked in the queue. */
export const QUEUE_AGE_MARKS = { warn: 24 * HOUR_MS, overdue: 72 * HOUR_MS } as const;
const COMMENT_MAX = 4000;

export const OWN_UPLOAD_MESSAGE = "You uploaded this version, so someone else must approve or reject it (separation of duties)";

export const approveInput = z.object({ comment: z.string().trim().max(COMMENT_MAX, `At most ${COMMENT_MAX} characters`).default("") });
export type ApproveInput = z.output<typeof approveInput>;

export const rejectFields = z.object({
  reasons: z
    .array(z.enum(REJECTION_REASONS))
    .min(1, "Choose at least one reason")
    .transform((r) => REJECTION_REASONS.filter((x) => r.includes(x))),
  comment: z.string().trim().max(COMMENT_MAX, `At most ${COMMENT_MAX} characters`).default(""),
});

/** "Other" says nothing by itself; the developer needs the words. */
export function otherNeedsComment(v: { reasons: string[]; comment: string }, ctx: z.RefinementCtx): void {
  if (v.reasons.includes("other") && v.comment.length === 0) ctx.addIssue({ code: "custom", message: "Explain the reason “other” in the comment", path: ["comment"] });
}

export const rejectInput = rejectFields.superRefine(otherNeedsComment);
export type RejectInput = z.output<typeof rejectInput>;

export const revokeInput = z.object({ reason: z.string().trim().min(1, "Say why the version is revoked").max(1000, "At most 1,000 characters") });
export type RevokeInput = z.output<typeof revokeInput>;

export const queueFilterInput = z.object({
  appId: z.string().trim().max(100).optional(),
  risk: z.enum(RISK_LEVELS).optional(),
  /** `unclaimed`, `me`, or a member's user id. */
  claimedBy: z.string().trim().max(64).optional(),
});
export type QueueFilter = z.output<typeof queueFilterInput>;

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

async function findVersion(ctx: OrgContext, versionId: string, db: DbOrTx = ctx.db): Promise<VersionWithNames> {
  const row = await selectVersion(db, ctx.org.id, versionId);
  if (!row) throw notFound("Version");
  return row;
}

async function reviewList(db: DbOrTx, orgId: string, versionId: string): Promise<ReviewJson[]> {
  const rows = await db
    .select({ review: reviews, reviewer: users.email })
    .from(reviews)
    .leftJoin(users, eq(users.id, reviews.reviewerId))
    .where(and(eq(reviews.orgId, orgId), eq(reviews.versionId, versionId)))
    .orderBy(asc(reviews.at), asc(reviews.id));
  return rows.map(({ review, reviewer }) => ({ decision: review.decision, reasons: review.reasons, comment: review.comment, reviewer, at: review.at.toISOString() }));
}

export type AgeMark = "over24h" | "over72h" | null;

export function ageMark(waitingMs: number): AgeMark {
  if (waitingMs > QUEUE_AGE_MARKS.overdue) return "over72h";
  if (waitingMs > QUEUE_AGE_MARKS.warn) return "over24h";
  return null;
}

export type ClaimJson = { userId: string; email: string | null; name: string | null; at: string | null };

export type QueueItem = {
  id: string;
  appId: string;
  miniProgramName: string;
  version: string;
  uploadedBy: string | null;
  /** The viewer uploaded it, so the viewer cannot decide on it. */
  uploadedByViewer: boolean;
  submittedAt: string | null;
  waitingMs: number;
  ageMark: AgeMark;
  claim: ClaimJson | null;
  warningCount: number;
  baselineVersion: string | null;
  /** Some version of the mini-program was uploaded before this one (approved or not): without a baseline, it is still not the first. */
  hasEarlierVersion: boolean;
  risk: { score: number; level: RiskLevel };
};

export type ReviewQueue = {
  items: QueueItem[];
  /** In review before filters. */
  total: number;
  /** In review and left by the filters, over all pages. */
  matched: number;
  page: number;
  pageSize: number;
  pages: number;
  oldest: { id: string; appId: string; version: string; submittedAt: string | null; ageMark: AgeMark } | null;
  facets: { miniPrograms: { appId: string; name: string }[]; reviewers: { userId: string; email: string; name: string }[] };
};

const inspectionOf = (v: { inspection: Record<string, unknown> }) => v.inspection as unknown as Inspection;

/** One page of the queue; the page asks for `?page=`. */
export const QUEUE_PAGE_SIZE = 50;
/** With a risk filter the queue is scored in batches of this many, so memory stays bounded whatever its length. */
const RISK_BATCH = 200;

export type QueuePage = { page?: number; pageSize?: number };

/**
 * Versions in review, oldest submission first, each with its time in queue and a risk level, one page at a time.
 * The mini-program and claim filters are SQL; risk is computed from the stored inspections (permissions, domains,
 * sizes, findings: no package is read) against each version's baseline, the latest approved version of its
 * mini-program uploaded before it, fetched for the versions scored and nothing else. `total` counts the whole queue,
 * `matched` what the filters leave; the review page computes the full diff with file contents.
 */
export async function listReviewQueue(ctx: OrgContext, filter: QueueFilter = {}, now: Date = new Date(), paging: QueuePage = {}): Promise<ReviewQueue> {
  authorize(ctx, "review.decide");
  const pageSize = Math.min(Math.max(1, Math.floor(paging.pageSize ?? QUEUE_PAGE_SIZE)), 500);
  const page = Math.max(1, Math.floor(paging.page ?? 1));
  const offset = (page - 1) * pageSize;
  const inReview = and(eq(versions.orgId, ctx.org.id), eq(versions.status, "in_review"));
  const claimed =
    filter.claimedBy === "unclaimed"
      ? isNull(versions.claimedBy)
      : filter.claimedBy === "me"
        ? eq(versions.claimedBy, ctx.actor.userId)
        : filter.claimedBy
          ? eq(versions.claimedBy, filter.claimedBy)
          : undefined;
  const where = and(inReview, filter.appId ? eq(versions.appId, filter.appId) : undefined, claimed);
  const queueRows = (limit: number, from: number) =>
    ctx.db
      .select({ version: versions, miniProgramName: miniPrograms.name, uploaderEmail: users.email })
      .from(versions)
      .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, versions.orgId), eq(miniPrograms.id, versions.miniProgramId)))
      .leftJoin(users, eq(users.id, versions.uploadedBy))
      .where(where)
      .orderBy(asc(versions.submittedAt), asc(versions.id))
      .limit(limit)
      .offset(from);
  type Row = Awaited<ReturnType<typeof queueRows>>[number];
  const score = async (rows: Row[]) => {
    const ids = rows.map((r) => r.version.id);
    const miniProgramIds = [...new Set(rows.map((r) => r.version.miniProgramId))];
    const [baselines, firstUploads] = await Promise.all([baselinesOf(ctx, ids), firstUploadTimes(ctx, miniProgramIds)]);
    return Promise.all(
      rows.map(async (row) => {
        const baseline = baselines.get(row.version.id) ?? null;
        const inspection = inspectionOf(row.version);
        // Empty bytes: only the inspection-level parts of the diff feed the risk score.
        const diff = await diffPackages(baseline ? { inspection: inspectionOf(baseline), bytes: Buffer.alloc(0) } : null, { inspection, bytes: Buffer.alloc(0) });
        const risk = riskScore(inspection, diff);
        return { row, baseline, firstUpload: firstUploads.get(row.version.miniProgramId), risk: { score: risk.score, level: risk.level } };
      }),
    );
  };

  let scored: Awaited<ReturnType<typeof score>>;
  let matched: number;
  if (!filter.risk) {
    const [[counted], rows] = await Promise.all([ctx.db.select({ n: count() }).from(versions).where(where), queueRows(pageSize, offset)]);
    matched = counted?.n ?? 0;
    scored = await score(rows);
  } else {
    // Risk is not a column: score the filtered queue batch by batch, keeping only this page's items.
    scored = [];
    matched = 0;
    for (let from = 0; ; from += RISK_BATCH) {
      const rows = await queueRows(RISK_BATCH, from);
      for (const item of await score(rows)) {
        if (item.risk.level !== filter.risk) continue;
        if (matched >= offset && scored.length < pageSize) scored.push(item);
        matched++;
      }
      if (rows.length < RISK_BATCH) break;
    }
  }

  const claimerIds = [...new Set(scored.map((i) => i.row.version.claimedBy).filter((x): x is string => !!x))];
  const [claimers, [totalRow], [oldestRow], facetRows, reviewers] = await Promise.all([
    claimerIds.length ? ctx.db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(inArray(users.id, claimerIds)) : [],
    ctx.db.select({ n: count() }).from(versions).where(inReview),
    ctx.db
      .select({ id: versions.id, appId: versions.appId, version: versions.version, submittedAt: versions.submittedAt })
      .from(versions)
      .where(inReview)
      .orderBy(asc(versions.submittedAt), asc(versions.id))
      .limit(1),
    ctx.db
      .selectDistinct({ appId: miniPrograms.appId, name: miniPrograms.name })
      .from(versions)
      .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, versions.orgId), eq(miniPrograms.id, versions.miniProgramId)))
      .where(inReview),
    ctx.db
      .select({ userId: users.id, email: users.email, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, ctx.org.id), inArray(memberships.role, [...PERMISSIONS["review.decide"]])))
      .orderBy(asc(users.email)),
  ]);
  const claimerById = new Map(claimers.map((c) => [c.id, c]));
  const waited = (at: Date | null) => (at ? Math.max(0, now.getTime() - at.getTime()) : 0);

  const items: QueueItem[] = scored.map(({ row: { version: v, miniProgramName, uploaderEmail }, baseline, firstUpload, risk }) => {
    const inspection = inspectionOf(v);
    const waitingMs = waited(v.submittedAt);
    const c = v.claimedBy ? claimerById.get(v.claimedBy) : undefined;
    return {
      id: v.id,
      appId: v.appId,
      miniProgramName,
      version: v.version,
      uploadedBy: uploaderEmail,
      uploadedByViewer: v.uploadedBy === ctx.actor.userId,
      submittedAt: v.submittedAt?.toISOString() ?? null,
      waitingMs,
      ageMark: ageMark(waitingMs),
      claim: v.claimedBy ? { userId: v.claimedBy, email: c?.email ?? null, name: c?.name ?? null, at: v.claimedAt?.toISOString() ?? null } : null,
      warningCount: Array.isArray(inspection.warnings) ? inspection.warnings.length : 0,
      baselineVersion: baseline?.version ?? null,
      hasEarlierVersion: (firstUpload ?? v.createdAt) < v.createdAt,
      risk,
    };
  });

  return {
    items,
    total: totalRow?.n ?? 0,
    matched,
    page,
    pageSize,
    pages: Math.max(1, Math.ceil(matched / pageSize)),
    oldest: oldestRow
      ? { id: oldestRow.id, appId: oldestRow.appId, version: oldestRow.version, submittedAt: oldestRow.submittedAt?.toISOString() ?? null, ageMark: ageMark(waited(oldestRow.submittedAt)) }
      : null,
    facets: {
      miniPrograms: facetRows.sort((a, b) => a.name.localeCompare(b.name) || a.appId.localeCompare(b.appId)),
      reviewers,
    },
  };
}

type BaselineRow = { id: string; version: string; inspection: Record<string, unknown> };

/** For each given version, the latest approved version of its mini-program uploaded before it (one row each). */
async function baselinesOf(ctx: OrgContext, versionIds: string[]): Promise<Map<string, BaselineRow>> {
  if (versionIds.length === 0) return new Map();
  const approved = alias(versions, "approved");
  const rows = await ctx.db
    .selectDistinctOn([versions.id], { of: versions.id, id: approved.id, version: approved.version, inspection: approved.inspection })
    .from(versions)
    .innerJoin(
      approved,
      and(eq(approved.orgId, versions.orgId), eq(approved.miniProgramId, versions.miniProgramId), eq(approved.status, "approved"), lt(approved.createdAt, versions.createdAt)),
    )
    .where(and(eq(versions.orgId, ctx.org.id), inArray(versions.id, versionIds)))
    .orderBy(versions.id, desc(approved.createdAt), desc(approved.id));
  return new Map(rows.map(({ of, ...row }) => [of, row]));
}

/** When each mini-program's first version was uploaded, whatever became of it. */
async function firstUploadTimes(ctx: OrgContext, miniProgramIds: string[]): Promise<Map<string, Date>> {
  if (miniProgramIds.length === 0) return new Map();
  const rows = await ctx.db
    .select({ miniProgramId: versions.miniProgramId, first: min(versions.createdAt) })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), inArray(versions.miniProgramId, miniProgramIds)))
    .groupBy(versions.miniProgramId);
  return new Map(rows.flatMap((r) => (r.first ? [[r.miniProgramId, r.first] as const] : [])));
}

export type ReviewDetail = {
  version: VersionDetailJson & { miniProgramName: string; claim: ClaimJson | null };
  /** The latest approved version of the same mini-program uploaded before this one; null for a first version. */
  baseline: { id: string; version: string; decidedAt: string | null } | null;
  /** Some version was uploaded before this one: with no baseline, none of them was approved (not a first version). */
  hasEarlierVersion: boolean;
  diff: PackageDiff;
  risk: Risk;
  /** A package blob that could not be read: the text diffs then show the files as unreadable. */
  missingPackages: string[];
  /** Time in queue while in review, else null. */
  waiting: { ms: number; mark: AgeMark } | null;
  viewer: { isUploader: boolean; canDecide: boolean; canRevoke: boolean; holdsClaim: boolean };
};

export type ReviewDetailOptions = { blobStore?: BlobStore };

/** Everything the review page shows: the version, its findings, the diff against the baseline and the risk. */
export async function getReviewDetail(ctx: OrgContext, versionId: string, opts: ReviewDetailOptions = {}, now: Date = new Date()): Promise<ReviewDetail> {
  authorize(ctx, "review.decide");
  const v = await findVersion(ctx, versionId);
  const [baseline] = await ctx.db
    .select({ id: versions.id, version: versions.version, sha256: versions.sha256, decidedAt: versions.decidedAt, inspection: versions.inspection })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, v.miniProgramId), eq(versions.status, "approved"), lt(versions.createdAt, v.createdAt)))
    .orderBy(desc(versions.createdAt), desc(versions.id))
    .limit(1);
  const [earlier] = baseline
    ? [baseline]
    : await ctx.db
        .select({ id: versions.id })
        .from(versions)
        .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, v.miniProgramId), lt(versions.createdAt, v.createdAt)))
        .limit(1);
  const store = opts.blobStore ?? getBlobStore();
  const missingPackages: string[] = [];
  const bytesOf = async (sha256: string, label: string) => {
    const bytes = await readBlob(store, sha256, LIMITS.maxPackedBytes).catch(() => null);
    if (!bytes) missingPackages.push(label);
    return bytes ?? Buffer.alloc(0);
  };
  const inspection = inspectionOf(v);
  const [nextBytes, prevBytes] = await Promise.all([bytesOf(v.sha256, v.version), baseline ? bytesOf(baseline.sha256, baseline.version) : null]);
  const diff = await diffPackages(baseline && prevBytes ? { inspection: inspectionOf(baseline), bytes: prevBytes } : null, { inspection, bytes: nextBytes });
  const risk = riskScore(inspection, diff);
  const reviewHistory = await reviewList(ctx.db, ctx.org.id, v.id);
  let claim: ClaimJson | null = null;
  if (v.claimedBy) {
    const [u] = await ctx.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, v.claimedBy)).limit(1);
    claim = { userId: v.claimedBy, email: u?.email ?? null, name: u?.name ?? null, at: v.claimedAt?.toISOString() ?? null };
  }
  const isUploader = v.uploadedBy === ctx.actor.userId;
  const waitingMs = v.status === "in_review" && v.submittedAt ? Math.max(0, now.getTime() - v.submittedAt.getTime()) : null;
  return {
    version: {
      ...versionToJson(v, reviewHistory),
      miniProgramName: v.miniProgramName,
      manifest: v.manifest,
      inspection,
      claim,
    },
    baseline: baseline ? { id: baseline.id, version: baseline.version, decidedAt: baseline.decidedAt?.toISOString() ?? null } : null,
    hasEarlierVersion: earlier !== undefined,
    diff,
    risk,
    missingPackages,
    waiting: waitingMs === null ? null : { ms: waitingMs, mark: ageMark(waitingMs) },
    viewer: {
      isUploader,
      canDecide: can(ctx, "review.decide") && !isUploader && v.status === "in_review",
      canRevoke: can(ctx, "versions.revoke") && v.status === "approved",
      holdsClaim: v.claimedBy === ctx.actor.userId,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------------------

const statusWords = (s: VersionStatus) => s.replace("_", " ");

/** The version's status and claim as they are now, read after a conditional update found it changed. */
async function currentStatus(tx: DbOrTx, orgId: string, versionId: string) {
  const cur = await selectVersion(tx, orgId, versionId);
  if (!cur) return undefined;
  const [claimer] = cur.claimedBy ? await tx.select({ email: users.email }).from(users).where(eq(users.id, cur.claimedBy)) : [];
  return { status: cur.status, claimedBy: cur.claimedBy, claimerEmail: claimer?.email ?? null };
}

/** Marks the version as being reviewed by the actor, so other reviewers see who has it. */
export async function claimReview(ctx: OrgContext, versionId: string): Promise<{ id: string; claim: ClaimJson }> {
  authorize(ctx, "review.decide");
  return ctx.db.transaction(async (tx) => {
    const v = await findVersion(ctx, versionId, tx);
    if (v.uploadedBy === ctx.actor.userId) throw forbidden(OWN_UPLOAD_MESSAGE);
    const now = new Date();
    const updated = await tx
      .update(versions)
      .set({ claimedBy: ctx.actor.userId, claimedAt: now })
      .where(
        and(
          eq(versions.orgId, ctx.org.id),
          eq(versions.id, v.id),
          eq(versions.status, "in_review"),
          or(isNull(versions.claimedBy), eq(versions.claimedBy, ctx.actor.userId)),
        ),
      )
      .returning({ id: versions.id });
    if (updated.length === 0) {
      const cur = await currentStatus(tx, ctx.org.id, v.id);
      if (cur && cur.status !== "in_review") throw conflict(`Version ${v.version} is ${statusWords(cur.status)}; only a version in review can be claimed`, { status: cur.status });
      throw conflict(`${cur?.claimerEmail ?? "Another reviewer"} is already reviewing version ${v.version}`, { claimedBy: cur?.claimerEmail ?? null });
    }
    await recordAudit(tx, ctx, { action: "version.claim", objectType: "version", objectId: v.id, changes: { appId: v.appId, version: v.version } });
    return { id: v.id, claim: { userId: ctx.actor.userId, email: ctx.actor.email, name: ctx.actor.name, at: now.toISOString() } };
  });
}

/** Gives a claim back. The holder may; owners and admins may also free a claim someone left behind. */
export async function releaseReview(ctx: OrgContext, versionId: string): Promise<{ id: string; claim: null }> {
  authorize(ctx, "review.decide");
  const mayReleaseOthers = ctx.role === "owner" || ctx.role === "admin";
  return ctx.db.transaction(async (tx) => {
    const v = await findVersion(ctx, versionId, tx);
    const updated = await tx
      .update(versions)
      .set({ claimedBy: null, claimedAt: null })
      .where(
        and(
          eq(versions.orgId, ctx.org.id),
          eq(versions.id, v.id),
          eq(versions.status, "in_review"),
          mayReleaseOthers ? undefined : eq(versions.claimedBy, ctx.actor.userId),
        ),
      )
      .returning({ id: versions.id });
    if (updated.length === 0 || !v.claimedBy) {
      const cur = await currentStatus(tx, ctx.org.id, v.id);
      if (cur && cur.status !== "in_review") throw conflict(`Version ${v.version} is ${statusWords(cur.status)}; there is no review to release`, { status: cur.status });
      if (cur?.claimedBy && cur.claimedBy !== ctx.actor.userId) throw conflict(`${cur.claimerEmail ?? "Another reviewer"} holds this review; only they or an admin can release it`);
      throw conflict(`Nobody has claimed version ${v.version}`);
    }
    await recordAudit(tx, ctx, {
      action: "version.unclaim",
      objectType: "version",
      objectId: v.id,
      changes: { appId: v.appId, version: v.version, claimedBy: v.claimedBy },
    });
    return { id: v.id, claim: null };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Decisions and revocation
// ---------------------------------------------------------------------------------------------------------

type Decision = { decision: "approved" | "rejected"; reasons: string[]; comment: string };

async function decide(ctx: OrgContext, versionId: string, d: Decision): Promise<VersionJson> {
  authorize(ctx, "review.decide");
  const verb = d.decision === "approved" ? "approve" : "reject";
  const json = await ctx.db.transaction(async (tx) => {
    const v = await findVersion(ctx, versionId, tx);
    if (v.uploadedBy === ctx.actor.userId) throw forbidden(OWN_UPLOAD_MESSAGE);
    const now = new Date();
    const [row] = await tx
      .update(versions)
      .set({ status: d.decision, decidedAt: now, claimedBy: null, claimedAt: null })
      .where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, v.id), eq(versions.status, "in_review")))
      .returning();
    if (!row) {
      const cur = await currentStatus(tx, ctx.org.id, v.id);
      const status = cur?.status ?? v.status;
      throw conflict(`Version ${v.version} is ${statusWords(status)}; only a version in review can be ${d.decision}`, { status });
    }
    await tx.insert(reviews).values({ orgId: ctx.org.id, id: newId("rev"), versionId: v.id, decision: d.decision, reasons: d.reasons, comment: d.comment, reviewerId: ctx.actor.userId, at: now });
    await recordAudit(tx, ctx, {
      action: `version.${verb}`,
      objectType: "version",
      objectId: v.id,
      changes: { appId: v.appId, version: v.version, from: "in_review", to: d.decision, reasons: d.reasons, comment: d.comment },
    });
    // A rejected trial version leaves every tester's manifest at once (CONTRACT §8).
    const trials = d.decision === "rejected" ? await dropTrialVersion(tx, ctx, v, "rejected") : { changed: 0, queued: 0 };
    const out = versionToJson({ ...row, uploaderEmail: v.uploaderEmail }, await reviewList(tx, ctx.org.id, v.id));
    const queued = trials.queued + (await emitVersionEvent(tx, ctx.org.id, d.decision === "approved" ? "version.approved" : "version.rejected", out, ctx.actor.email));
    return { out, queued, trials: trials.changed };
  });
  if (json.trials > 0) invalidateManifest(ctx.org.id);
  // Now that the deliveries are committed, any dispatcher can see them.
  if (json.queued > 0) kickWebhookDispatcher();
  return json.out;
}

export function approveVersion(ctx: OrgContext, versionId: string, input: ApproveInput = { comment: "" }): Promise<VersionJson> {
  return decide(ctx, versionId, { decision: "approved", reasons: [], comment: input.comment });
}

export function rejectVersion(ctx: OrgContext, versionId: string, input: RejectInput): Promise<VersionJson> {
  return decide(ctx, versionId, { decision: "rejected", reasons: input.reasons, comment: input.comment });
}

/** The kill switch: an approved version becomes revoked at once, with the reason recorded. */
export async function revokeVersion(ctx: OrgContext, versionId: string, input: RevokeInput): Promise<VersionJson> {
  authorize(ctx, "versions.revoke");
  const json = await ctx.db.transaction(async (tx) => {
    const v = await findVersion(ctx, versionId, tx);
    const [row] = await tx
      .update(versions)
      .set({ status: "revoked", revokedAt: new Date(), revokeReason: input.reason })
      .where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, v.id), eq(versions.status, "approved")))
      .returning();
    if (!row) {
      const cur = await currentStatus(tx, ctx.org.id, v.id);
      const status = cur?.status ?? v.status;
      throw conflict(`Version ${v.version} is ${statusWords(status)}; only an approved version can be revoked`, { status });
    }
    await recordAudit(tx, ctx, {
      action: "version.revoke",
      objectType: "version",
      objectId: v.id,
      changes: { appId: v.appId, version: v.version, from: "approved", to: "revoked", reason: input.reason },
    });
    await recordRevocationOnTimelines(tx, ctx, v, input.reason);
    const trials = await dropTrialVersion(tx, ctx, v, "revoked");
    // Kill switch: other server instances drop their manifest snapshots within a second (lib/sdk-server/snapshot.ts).
    await touchManifests(tx, ctx.org.id);
    const out = versionToJson({ ...row, uploaderEmail: v.uploaderEmail }, await reviewList(tx, ctx.org.id, v.id));
    const queued = trials.queued + (await emitVersionEvent(tx, ctx.org.id, "version.revoked", out, ctx.actor.email));
    return { out, queued };
  });
  // After commit, so no snapshot can be rebuilt here from the version as it was.
  invalidateManifest(ctx.org.id);
  if (json.queued > 0) kickWebhookDispatcher();
  return json.out;
}
