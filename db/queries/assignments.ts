// Reading assignments with their versions (issue 12 item 18): the one join of an assignment with its stable,
// candidate, previous stable and trial versions (and its host's and mini-program's names), used by the assignment
// service and the manifest snapshot, which wrote it twice. The organization is in every join and in the filter.
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db";
import { assignments, hostApps, miniPrograms, versions, type Assignment, type HostPolicy, type VersionStatus } from "@/db/schema";

/** A version as an assignment names it. */
export type JoinedVersion = { id: string; version: string; status: VersionStatus; sha256: string; size: number; manifest: Record<string, unknown> };

export type AssignmentWithVersions = {
  a: Assignment;
  hostName: string;
  policy: HostPolicy;
  miniProgramName: string;
  stable: JoinedVersion | null;
  candidate: JoinedVersion | null;
  previous: JoinedVersion | null;
  trial: JoinedVersion | null;
};

const stableV = alias(versions, "stable_v");
const candidateV = alias(versions, "candidate_v");
const previousV = alias(versions, "previous_v");
const trialV = alias(versions, "trial_v");
type VersionAlias = typeof stableV | typeof candidateV | typeof previousV | typeof trialV;
const cols = <V extends VersionAlias>(v: V) => ({ id: v.id, version: v.version, status: v.status, sha256: v.sha256, size: v.size, manifest: v.manifest });
type Maybe = { [K in keyof JoinedVersion]: JoinedVersion[K] | null };

/** A left-joined version: null when the join found none. */
function present(v: Maybe | null): JoinedVersion | null {
  if (!v || v.id === null || v.version === null || v.status === null || v.sha256 === null || v.size === null || v.manifest === null) return null;
  return { id: v.id, version: v.version, status: v.status, sha256: v.sha256, size: v.size, manifest: v.manifest };
}

type VersionRef = typeof assignments.stableVersionId | typeof assignments.candidateVersionId | typeof assignments.previousStableVersionId | typeof assignments.trialVersionId;
const joinOn = <V extends VersionAlias>(v: V, column: VersionRef) => and(eq(v.orgId, assignments.orgId), eq(v.id, column));

/** The organization's assignments matching `where`, by id, each with its versions and names. */
export async function selectAssignmentsWithVersions(
  db: DbOrTx,
  orgId: string,
  where: (SQL | undefined)[],
  opts: { order?: "asc" | "desc"; limit?: number } = {},
): Promise<AssignmentWithVersions[]> {
  const q = db
    .select({
      a: assignments,
      hostName: hostApps.name,
      policy: hostApps.policy,
      miniProgramName: miniPrograms.name,
      stable: cols(stableV),
      candidate: cols(candidateV),
      previous: cols(previousV),
      trial: cols(trialV),
    })
    .from(assignments)
    .innerJoin(hostApps, and(eq(hostApps.orgId, assignments.orgId), eq(hostApps.id, assignments.hostId)))
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, assignments.orgId), eq(miniPrograms.id, assignments.miniProgramId)))
    .leftJoin(stableV, joinOn(stableV, assignments.stableVersionId))
    .leftJoin(candidateV, joinOn(candidateV, assignments.candidateVersionId))
    .leftJoin(previousV, joinOn(previousV, assignments.previousStableVersionId))
    .leftJoin(trialV, joinOn(trialV, assignments.trialVersionId))
    .where(and(eq(assignments.orgId, orgId), ...where))
    .orderBy(opts.order === "desc" ? desc(assignments.id) : asc(assignments.id));
  const rows = await (opts.limit === undefined ? q : q.limit(opts.limit));
  return rows.map((r) => ({ ...r, stable: present(r.stable), candidate: present(r.candidate), previous: present(r.previous), trial: present(r.trial) }));
}
