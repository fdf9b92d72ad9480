// Names and console links for the objects audit entries point at, so a person reads "Parking 1.2.0" with a link
// instead of a bare id. One query per object type for a whole page of entries, each within the organization;
// an object that is gone (or never had a page) keeps its id and has no link.
import { and, eq, inArray } from "drizzle-orm";
import { apiTokens, assignments, hostApps, invitations, memberships, miniPrograms, permissionRequests, releases, users, versions, webhookEndpoints } from "@/db/schema";
import type { OrgContext } from "@/lib/authz/context";

export type AuditObjectRef = { label: string; href: string | null };
type Entry = { objectType: string; objectId: string | null; changes?: unknown };

export const auditObjectKey = (objectType: string, objectId: string) => `${objectType}:${objectId}`;

function idsOf(entries: Entry[], type: string): string[] {
  return [...new Set(entries.filter((e) => e.objectType === type && e.objectId).map((e) => e.objectId!))];
}

export async function describeAuditObjects(ctx: OrgContext, entries: Entry[]): Promise<Map<string, AuditObjectRef>> {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const base = `/o/${ctx.org.slug}`;
  const out = new Map<string, AuditObjectRef>();
  const put = (type: string, id: string, label: string, href: string | null) => out.set(auditObjectKey(type, id), { label, href });

  const hostIds = idsOf(entries, "host_app");
  const appIds = idsOf(entries, "mini_program");
  const versionIds = idsOf(entries, "version");
  const assignmentIds = idsOf(entries, "assignment");
  const memberIds = idsOf(entries, "member");
  const tokenIds = idsOf(entries, "api_token");
  const webhookIds = idsOf(entries, "webhook_endpoint");
  const invitationIds = idsOf(entries, "invitation");
  const releaseIds = idsOf(entries, "release");
  const requestIds = idsOf(entries, "permission_request");

  await Promise.all([
    hostIds.length > 0 &&
      db
        .select({ id: hostApps.id, name: hostApps.name })
        .from(hostApps)
        .where(and(eq(hostApps.orgId, orgId), inArray(hostApps.id, hostIds)))
        .then((rows) => rows.forEach((r) => put("host_app", r.id, r.name, `${base}/hosts/${r.id}`))),
    appIds.length > 0 &&
      db
        .select({ id: miniPrograms.id, appId: miniPrograms.appId, name: miniPrograms.name })
        .from(miniPrograms)
        .where(and(eq(miniPrograms.orgId, orgId), inArray(miniPrograms.id, appIds)))
        .then((rows) => rows.forEach((r) => put("mini_program", r.id, r.name, `${base}/mini-programs/${r.appId}`))),
    versionIds.length > 0 &&
      db
        .select({ id: versions.id, appId: versions.appId, version: versions.version, name: miniPrograms.name })
        .from(versions)
        .leftJoin(miniPrograms, and(eq(miniPrograms.orgId, versions.orgId), eq(miniPrograms.id, versions.miniProgramId)))
        .where(and(eq(versions.orgId, orgId), inArray(versions.id, versionIds)))
        .then((rows) =>
          rows.forEach((r) => put("version", r.id, `${r.name ?? r.appId} ${r.version}`, `${base}/mini-programs/${r.appId}/versions/${r.id}`)),
        ),
    assignmentIds.length > 0 &&
      db
        .select({ id: assignments.id, hostId: assignments.hostId, appId: assignments.appId, host: hostApps.name })
        .from(assignments)
        .leftJoin(hostApps, and(eq(hostApps.orgId, assignments.orgId), eq(hostApps.id, assignments.hostId)))
        .where(and(eq(assignments.orgId, orgId), inArray(assignments.id, assignmentIds)))
        .then((rows) =>
          rows.forEach((r) => put("assignment", r.id, `${r.appId} → ${r.host ?? r.hostId}`, `${base}/hosts/${r.hostId}/assignments/${r.id}`)),
        ),
    memberIds.length > 0 &&
      db
        .select({ id: users.id, email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, memberIds)))
        .then((rows) => rows.forEach((r) => put("member", r.id, r.email, `${base}/members`))),
    tokenIds.length > 0 &&
      db
        .select({ id: apiTokens.id, name: apiTokens.name })
        .from(apiTokens)
        .where(and(eq(apiTokens.orgId, orgId), inArray(apiTokens.id, tokenIds)))
        .then((rows) => rows.forEach((r) => put("api_token", r.id, r.name, `${base}/tokens`))),
    webhookIds.length > 0 &&
      db
        .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, orgId), inArray(webhookEndpoints.id, webhookIds)))
        .then((rows) => rows.forEach((r) => put("webhook_endpoint", r.id, r.url, `${base}/settings/webhooks`))),
    invitationIds.length > 0 &&
      db
        .select({ id: invitations.id, email: invitations.email })
        .from(invitations)
        .where(and(eq(invitations.orgId, orgId), inArray(invitations.id, invitationIds)))
        .then((rows) => rows.forEach((r) => put("invitation", r.id, r.email, `${base}/members`))),
    releaseIds.length > 0 &&
      db
        .select({ id: releases.id, appId: releases.appId, version: releases.version })
        .from(releases)
        .where(and(eq(releases.orgId, orgId), inArray(releases.id, releaseIds)))
        .then((rows) => rows.forEach((r) => put("release", r.id, `${r.appId} ${r.version}`, `${base}/releases/${r.id}`))),
    requestIds.length > 0 &&
      db
        .select({ id: permissionRequests.id, appId: permissionRequests.appId, hostId: permissionRequests.hostId, host: hostApps.name })
        .from(permissionRequests)
        .leftJoin(hostApps, and(eq(hostApps.orgId, permissionRequests.orgId), eq(hostApps.id, permissionRequests.hostId)))
        .where(and(eq(permissionRequests.orgId, orgId), inArray(permissionRequests.id, requestIds)))
        .then((rows) =>
          rows.forEach((r) => put("permission_request", r.id, `${r.appId} → ${r.host ?? r.hostId}`, `${base}/hosts/${r.hostId}#requests`)),
        ),
  ]);
  // An object that is gone (a removed member, a deleted webhook) is still named by what its entry recorded.
  for (const e of entries) {
    if (!e.objectId || out.has(auditObjectKey(e.objectType, e.objectId))) continue;
    const label = labelFromChanges(e.changes);
    if (label) put(e.objectType, e.objectId, label, null);
  }
  // Single sign-on is one per organization: its entries point at the organization's sign-in settings.
  for (const id of idsOf(entries, "sso_connection")) if (id === orgId) put("sso_connection", id, ctx.org.name, `${base}/settings/sso`);
  return out;
}

function labelFromChanges(changes: unknown): string | null {
  if (typeof changes !== "object" || changes === null) return null;
  const c = changes as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  if (str(c.appId) && str(c.version)) return `${c.appId} ${c.version}`;
  return str(c.email) ?? str(c.name) ?? str(c.url) ?? str(c.appId);
}
