// Reading a version (issue 12 item 18): the one loader of "a version by id in this organization", with the names
// its callers show (uploader, mini-program) and an explicit lock mode. Rules, scopes and transactions stay in the
// services, which pass their extra condition (a developer's scope) as `where`.
import { and, eq, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { miniPrograms, users, versions, type Version } from "@/db/schema";
import { isId } from "@/lib/ids";

export type VersionWithNames = Version & { uploaderEmail: string | null; miniProgramName: string };

/**
 * The version, or null when there is none of that id in the organization (or `where` excludes it).
 * `lock: "share"` holds it against a concurrent status change (a revoke is an UPDATE of the row) until the
 * transaction ends; only the version row is locked, not the rows joined for names.
 */
export async function selectVersion(
  db: DbOrTx,
  orgId: string,
  versionId: string,
  opts: { lock?: "share" | "update"; where?: SQL } = {},
): Promise<VersionWithNames | null> {
  if (!isId("ver", versionId)) return null;
  const q = db
    .select({ version: versions, uploaderEmail: users.email, miniProgramName: miniPrograms.name })
    .from(versions)
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, versions.orgId), eq(miniPrograms.id, versions.miniProgramId)))
    .leftJoin(users, eq(users.id, versions.uploadedBy))
    .where(and(eq(versions.orgId, orgId), eq(versions.id, versionId), opts.where))
    .limit(1);
  const [row] = await (opts.lock ? q.for(opts.lock, { of: versions }) : q);
  return row ? { ...row.version, uploaderEmail: row.uploaderEmail, miniProgramName: row.miniProgramName } : null;
}

/** The status of a version, locked FOR SHARE: for a write that must see the status a concurrent revoke leaves. */
export async function lockedVersionStatus(tx: DbOrTx, orgId: string, versionId: string): Promise<Version["status"] | null> {
  const [row] = await tx.select({ status: versions.status }).from(versions).where(and(eq(versions.orgId, orgId), eq(versions.id, versionId))).for("share");
  return row?.status ?? null;
}
