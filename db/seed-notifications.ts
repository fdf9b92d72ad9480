// The demo's inboxes (issue 17 item 5): what the seeded story would have told each person, dated when it happened,
// through the same rules as live events (lib/services/notifications.ts): the submissions waiting in the review queue
// for reviewers, admins and the owner; the last two weeks' decisions for their uploaders; the halted rollout for
// admins and the owner. Older than a day is already read.
import { and, desc, eq, gt, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "@/db";
import { assignments, reviews, users, versions } from "@/db/schema";
import { notifyForEvent } from "@/lib/services/notifications";

export async function seedNotifications(db: Db, opts: { orgId: string; log?: (m: string) => void }): Promise<number> {
  const { orgId } = opts;
  const since = new Date(Date.now() - 14 * 86_400_000);
  const rows = await db
    .select({ v: versions, uploader: users.email })
    .from(versions)
    .innerJoin(users, eq(users.id, versions.uploadedBy))
    .where(and(eq(versions.orgId, orgId), inArray(versions.status, ["in_review", "approved", "rejected"])));
  let written = 0;
  await db.transaction(async (tx) => {
    for (const { v, uploader } of rows) {
      const version = { id: v.id, appId: v.appId, version: v.version, uploadedBy: uploader };
      if (v.status === "in_review" && v.submittedAt) {
        written += await notifyForEvent(tx, orgId, "version.submitted", { actor: uploader, data: { version } }, v.submittedAt);
      } else if (v.decidedAt && v.decidedAt > since) {
        const [last] = await tx
          .select({ comment: reviews.comment, reviewer: users.email })
          .from(reviews)
          .innerJoin(users, eq(users.id, reviews.reviewerId))
          .where(and(eq(reviews.orgId, orgId), eq(reviews.versionId, v.id)))
          .orderBy(desc(reviews.at))
          .limit(1);
        const event = v.status === "approved" ? "version.approved" : "version.rejected";
        written += await notifyForEvent(tx, orgId, event, { actor: last?.reviewer ?? null, data: { version: { ...version, reviews: last ? [{ comment: last.comment }] : [] } } }, v.decidedAt);
      }
    }
    const halted = await tx
      .select()
      .from(assignments)
      .where(and(eq(assignments.orgId, orgId), isNotNull(assignments.haltedAt), gt(assignments.haltedAt, since)));
    for (const a of halted) {
      const [candidate] = a.candidateVersionId ? await tx.select({ version: versions.version }).from(versions).where(and(eq(versions.orgId, orgId), eq(versions.id, a.candidateVersionId))) : [];
      written += await notifyForEvent(
        tx,
        orgId,
        "rollout.halted",
        { actor: "system (guardrail)", data: { assignmentId: a.id, hostId: a.hostId, appId: a.appId, candidate: { version: candidate?.version ?? null }, haltReason: a.haltReason } },
        a.haltedAt!,
      );
    }
  });
  opts.log?.(`Seeded ${written} notifications.`);
  return written;
}
