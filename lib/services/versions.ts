// Versions of a mini-program: upload (inspect, store, record), read, and the developer's transitions of
// CONTRACT §5 (submit, withdraw). Approve, reject and revoke belong to the review service.
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import semver from "semver";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { selectVersion, type VersionWithNames } from "@/db/queries/versions";
import { miniPrograms, reviews, users, versions, type Version, type VersionStatus } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { recordAudit } from "@/lib/audit";
import { AppError, conflict, invalidInput, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { getBlobStore, type BlobStore } from "@/lib/blobs";
import { deleteBlobIfUnreferenced } from "@/lib/blobs/sweep";
import { LIMITS } from "@/lib/packages/catalog";
import type { Inspection } from "@/lib/packages/inspect";
import { InspectionBusyError, inspectPackageOffThread } from "@/lib/packages/inspect-pool";
import { assertNotArchived, findReachableMiniProgram, isUniqueViolation, miniProgramScope } from "./mini-programs";
import { decodeCursor, toPage } from "./pagination";
import { emitVersionEvent } from "./webhooks";

/** The largest package body accepted; inspection's own limit, so a bigger body is refused before it is read. */
export const MAX_PACKAGE_BYTES = LIMITS.maxPackedBytes;

export type ReviewJson = { decision: "approved" | "rejected"; reasons: string[]; comment: string; reviewer: string | null; at: string };

export type VersionJson = {
  id: string;
  appId: string;
  version: string;
  status: VersionStatus;
  sha256: string;
  size: number;
  /** The uploader's email. */
  uploadedBy: string | null;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  permissions: string[];
  domains: string[];
  minSdkVersion: string | null;
  warningCount: number;
  /** Release notes, Markdown (CONTRACT §13). */
  notes: string;
  reviews: ReviewJson[];
};

export type VersionDetailJson = VersionJson & { manifest: Record<string, unknown>; inspection: Inspection };

type VersionRow = Version & { uploaderEmail: string | null };

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function versionToJson(v: VersionRow, reviewList: ReviewJson[]): VersionJson {
  const inspection = v.inspection as Partial<Inspection>;
  return {
    id: v.id,
    appId: v.appId,
    version: v.version,
    status: v.status,
    sha256: v.sha256,
    size: v.size,
    uploadedBy: v.uploaderEmail,
    createdAt: v.createdAt.toISOString(),
    submittedAt: v.submittedAt?.toISOString() ?? null,
    decidedAt: v.decidedAt?.toISOString() ?? null,
    revokedAt: v.revokedAt?.toISOString() ?? null,
    revokeReason: v.revokeReason,
    permissions: stringList(v.manifest.permissions),
    domains: stringList(v.manifest.domains),
    minSdkVersion: typeof v.manifest.minSdkVersion === "string" ? v.manifest.minSdkVersion : null,
    warningCount: Array.isArray(inspection.warnings) ? inspection.warnings.length : 0,
    notes: v.notes,
    reviews: reviewList,
  };
}

const versionColumns = { version: versions, uploaderEmail: users.email };

async function reviewsFor(ctx: OrgContext, versionIds: string[], db: DbOrTx = ctx.db): Promise<Map<string, ReviewJson[]>> {
  const out = new Map<string, ReviewJson[]>();
  if (versionIds.length === 0) return out;
  const rows = await db
    .select({ review: reviews, reviewer: users.email })
    .from(reviews)
    .leftJoin(users, eq(users.id, reviews.reviewerId))
    .where(and(eq(reviews.orgId, ctx.org.id), inArray(reviews.versionId, versionIds)))
    .orderBy(asc(reviews.at), asc(reviews.id));
  for (const { review, reviewer } of rows) {
    const list = out.get(review.versionId) ?? [];
    list.push({ decision: review.decision, reasons: review.reasons, comment: review.comment, reviewer, at: review.at.toISOString() });
    out.set(review.versionId, list);
  }
  return out;
}

export async function listVersions(ctx: OrgContext, appId: string, page: { limit: number; cursor?: string }) {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  const before = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select(versionColumns)
    .from(versions)
    .leftJoin(users, eq(users.id, versions.uploadedBy))
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, mp.id), before ? lt(versions.id, before) : undefined))
    .orderBy(desc(versions.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.version.id);
  const rv = await reviewsFor(ctx, p.items.map((r) => r.version.id));
  return {
    items: p.items.map((r) => versionToJson({ ...r.version, uploaderEmail: r.uploaderEmail }, rv.get(r.version.id) ?? [])),
    nextCursor: p.nextCursor,
  };
}

/** The version if the actor may reach its mini-program, else not_found. */
async function findReachableVersion(ctx: OrgContext, versionId: string, db: DbOrTx = ctx.db): Promise<VersionWithNames> {
  const row = await selectVersion(db, ctx.org.id, versionId, { where: miniProgramScope(ctx) });
  if (!row) throw notFound("Version");
  return row;
}

export async function getVersion(ctx: OrgContext, versionId: string): Promise<VersionDetailJson & { miniProgramName: string }> {
  authorize(ctx, "catalog.read");
  const v = await findReachableVersion(ctx, versionId);
  const rv = await reviewsFor(ctx, [v.id]);
  return {
    ...versionToJson(v, rv.get(v.id) ?? []),
    miniProgramName: v.miniProgramName,
    manifest: v.manifest,
    inspection: v.inspection as unknown as Inspection,
  };
}

/** Inspection runs on the worker pool, so a large package does not hold up every other request. */
async function inspectOffThread(bytes: Buffer, opts: { expectedAppId: string; existingVersions: string[] }): Promise<Inspection> {
  try {
    return await inspectPackageOffThread(bytes, opts);
  } catch (err) {
    if (err instanceof InspectionBusyError) {
      throw new AppError("unavailable", "Package inspection is busy; retry shortly", undefined, { "Retry-After": "5" });
    }
    throw err;
  }
}

export type UploadResult = { version: VersionJson; inspection: Inspection };

/** Release notes are Markdown of at most 10 KiB, counted in UTF-8 bytes (CONTRACT §13). */
export const MAX_NOTES_BYTES = 10 * 1024;
export const notesSchema = z
  .string()
  .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_NOTES_BYTES, `Release notes may be at most ${MAX_NOTES_BYTES} bytes (10 KiB) of UTF-8`);
export const updateNotesInput = z.object({ notes: notesSchema }).strict();
export type UpdateNotesInput = z.output<typeof updateNotesInput>;

/** Notes given with an upload (`?notes=` on the API, a field of the console's form), checked before inspection. */
export function parseUploadNotes(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const parsed = notesSchema.safeParse(value);
  if (!parsed.success) throw invalidInput("The release notes are too long", { fields: { notes: parsed.error.issues.map((i) => i.message) } });
  return parsed.data;
}

export type UploadOptions = { blobStore?: BlobStore; notes?: string };

/**
 * Inspects a package and, when it passes, stores it and records a draft version. A rejected package is
 * never stored: 422 with the report in `details.inspection`. The blob is written before the version row;
 * when the row cannot be written the blob is deleted again unless another version refers to it.
 */
export async function uploadVersion(ctx: OrgContext, appId: string, bytes: Buffer, opts: UploadOptions = {}): Promise<UploadResult> {
  authorize(ctx, "miniPrograms.write");
  const notes = parseUploadNotes(opts.notes);
  const mp = await findReachableMiniProgram(ctx, appId);
  const existing = await existingVersions(ctx.db, ctx.org.id, mp.id);
  const inspection = await inspectOffThread(bytes, { expectedAppId: mp.appId, existingVersions: existing });
  if (!inspection.ok || !inspection.manifest) {
    const n = inspection.errors.length;
    throw invalidInput(`The package was rejected: ${n} ${n === 1 ? "error" : "errors"} (${[...new Set(inspection.errors.map((e) => e.code))].join(", ")})`, {
      inspection,
    });
  }
  const manifest = inspection.manifest;
  const store = opts.blobStore ?? getBlobStore();
  await store.put(inspection.sha256, bytes);
  const id = newId("ver");
  let row: Version;
  try {
    row = await ctx.db.transaction(async (tx) => {
      // Serialises uploads to one mini-program, so "above every existing version" holds against racing uploads.
      await tx
        .select({ id: miniPrograms.id })
        .from(miniPrograms)
        .where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, mp.id)))
        .for("update");
      await assertNotArchived(tx, ctx.org.id, mp.id, "uploaded to");
      const now = await existingVersions(tx, ctx.org.id, mp.id);
      if (now.includes(manifest.version)) throw conflict(`Version ${manifest.version} of ${mp.appId} already exists`, { version: manifest.version });
      const highest = now.filter((v) => semver.valid(v)).sort(semver.rcompare)[0];
      if (highest && !semver.gt(manifest.version, highest)) {
        throw conflict(`Version ${highest} of ${mp.appId} was uploaded meanwhile; ${manifest.version} is no longer above it`, { version: manifest.version });
      }
      const [inserted] = await tx
        .insert(versions)
        .values({
          orgId: ctx.org.id,
          id,
          miniProgramId: mp.id,
          appId: mp.appId,
          version: manifest.version,
          status: "draft",
          sha256: inspection.sha256,
          size: inspection.size,
          manifest: { ...manifest },
          inspection: { ...inspection },
          uploadedBy: ctx.actor.userId,
          notes,
        })
        .returning();
      await recordAudit(tx, ctx, {
        action: "version.upload",
        objectType: "version",
        objectId: id,
        changes: { appId: mp.appId, version: manifest.version, sha256: inspection.sha256, size: inspection.size, warnings: inspection.warnings.length },
      });
      await emitVersionEvent(tx, ctx.org.id, "version.uploaded", versionToJson({ ...inserted!, uploaderEmail: ctx.actor.email }, []), ctx.actor.email);
      return inserted!;
    });
  } catch (e) {
    await deleteBlobIfUnreferenced(ctx.db, store, inspection.sha256).catch((err: unknown) => {
      console.error("[atrium] could not delete the blob of a failed upload; the orphan sweep will", err);
    });
    if (isUniqueViolation(e)) throw conflict(`Version ${manifest.version} of ${mp.appId} already exists`, { version: manifest.version });
    throw e;
  }
  // A concurrent failed upload of the same bytes may have deleted the shared blob before this row committed.
  if (!(await store.has(inspection.sha256))) await store.put(inspection.sha256, bytes);
  return { version: versionToJson({ ...row, uploaderEmail: ctx.actor.email }, []), inspection };
}

async function existingVersions(db: DbOrTx, orgId: string, miniProgramId: string): Promise<string[]> {
  const rows = await db
    .select({ version: versions.version })
    .from(versions)
    .where(and(eq(versions.orgId, orgId), eq(versions.miniProgramId, miniProgramId)));
  return rows.map((r) => r.version);
}

type Transition = { action: string; from: VersionStatus; to: VersionStatus; set: Partial<Version>; verb: string };

const TRANSITIONS = {
  submit: { action: "version.submit", from: "draft", to: "in_review", verb: "submitted" },
  withdraw: { action: "version.withdraw", from: "in_review", to: "draft", verb: "withdrawn" },
} as const;

/**
 * One conditional UPDATE: it succeeds only from the expected state, so a wrong state and the loser of a
 * race both answer conflict and change nothing.
 */
async function transition(ctx: OrgContext, versionId: string, t: Transition): Promise<VersionJson> {
  authorize(ctx, "miniPrograms.write");
  return ctx.db.transaction(async (tx) => {
    const v = await findReachableVersion(ctx, versionId, tx);
    await assertNotArchived(tx, ctx.org.id, v.miniProgramId, t.to === "in_review" ? "submitted to review" : "changed");
    const updated = await tx
      .update(versions)
      .set({ ...t.set, status: t.to })
      .where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, v.id), eq(versions.status, t.from)))
      .returning();
    const row = updated[0];
    if (!row) {
      const [cur] = await tx
        .select({ status: versions.status })
        .from(versions)
        .where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, v.id)));
      const status = cur?.status ?? v.status;
      throw conflict(`Version ${v.version} is ${status.replace("_", " ")}; only a ${t.from.replace("_", " ")} version can be ${t.verb}`, { status });
    }
    await recordAudit(tx, ctx, {
      action: t.action,
      objectType: "version",
      objectId: v.id,
      changes: { appId: v.appId, version: v.version, from: t.from, to: t.to },
    });
    const rv = await reviewsFor(ctx, [v.id], tx);
    await emitVersionEvent(tx, ctx.org.id, t.to === "in_review" ? "version.submitted" : "version.withdrawn", versionToJson({ ...row, uploaderEmail: v.uploaderEmail }, rv.get(v.id) ?? []), ctx.actor.email);
    return versionToJson({ ...row, uploaderEmail: v.uploaderEmail }, rv.get(v.id) ?? []);
  });
}

/**
 * Sets a version's release notes while it is a draft or in review: its uploader, owners and admins (another
 * collaborator may read them, not rewrite them); a decided version's notes are what was reviewed, so 409.
 */
export async function updateVersionNotes(ctx: OrgContext, versionId: string, input: UpdateNotesInput): Promise<VersionJson> {
  authorize(ctx, "miniPrograms.write");
  return ctx.db.transaction(async (tx) => {
    const v = await findReachableVersion(ctx, versionId, tx);
    if (ctx.role !== "owner" && ctx.role !== "admin" && v.uploadedBy !== ctx.actor.userId) {
      throw new AppError("forbidden", "Only the version's uploader, owners and admins may edit its release notes");
    }
    await assertNotArchived(tx, ctx.org.id, v.miniProgramId, "edited");
    const updated = await tx
      .update(versions)
      .set({ notes: input.notes })
      .where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, v.id), inArray(versions.status, ["draft", "in_review"])))
      .returning();
    const row = updated[0];
    if (!row) {
      const [cur] = await tx.select({ status: versions.status }).from(versions).where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, v.id)));
      const status = cur?.status ?? v.status;
      throw conflict(`Version ${v.version} is ${status.replace("_", " ")}; release notes can change only while it is a draft or in review`, { status });
    }
    await recordAudit(tx, ctx, {
      action: "version.notes",
      objectType: "version",
      objectId: v.id,
      changes: { appId: v.appId, version: v.version, notes: { from: v.notes, to: input.notes } },
    });
    const rv = await reviewsFor(ctx, [v.id], tx);
    return versionToJson({ ...row, uploaderEmail: v.uploaderEmail }, rv.get(v.id) ?? []);
  });
}

export function submitVersion(ctx: OrgContext, versionId: string): Promise<VersionJson> {
  return transition(ctx, versionId, { ...TRANSITIONS.submit, set: { submittedAt: new Date(), claimedBy: null, claimedAt: null } });
}

export function withdrawVersion(ctx: OrgContext, versionId: string): Promise<VersionJson> {
  return transition(ctx, versionId, { ...TRANSITIONS.withdraw, set: { submittedAt: null, claimedBy: null, claimedAt: null } });
}
