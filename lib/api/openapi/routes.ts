// Every operation of /api/v1 and /api/sdk/v1, described with the zod schemas that validate its request (the
// same objects the route handlers parse with) and shape its answer (./schemas.ts). To document a new route,
// add an entry to API_OPERATIONS (or a list of your own spread into it): openapi.test.ts fails while a
// route.ts under app/api has a method that no entry describes.
import { z } from "zod";
import { overviewApiQuerySchema, versionCompareQuerySchema } from "@/lib/analytics/comparison";
import { adoptionQuerySchema, anomalyQuerySchema, funnelInputSchema, keyedQuerySchema } from "@/lib/analytics/params";
import { listParamsSchema } from "@/lib/api/handler";
import type { Permission } from "@/lib/authz/permissions";
import { manifestQuerySchema } from "@/lib/sdk-server/manifest";
import { assignInput, revisionInput, updateAssignmentInput } from "@/lib/services/assignments";
import { auditFilterSchema } from "@/lib/services/audit";
import { cancelReleaseInput, createReleaseInput, releaseListFilter } from "@/lib/services/releases";
import { createHostInput, hostListFilterSchema, updateHostInput } from "@/lib/services/hosts";
import { collaboratorInput, createMiniProgramInput, listMiniProgramsFilter, updateMiniProgramInput } from "@/lib/services/mini-programs";
import { approveInput, rejectInput, revokeInput } from "@/lib/services/reviews";
import { createPermissionRequestInput, decidePermissionRequestInput, permissionRequestFilter } from "@/lib/services/permission-requests";
import { ssoSettingsInput } from "@/lib/services/sso";
import { updateNotesInput } from "@/lib/services/versions";
import * as S from "./schemas";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export type ApiResponse = {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
  /** Response headers by name: see RESPONSE_HEADERS in ./document.ts. */
  headers?: string[];
  /** Other media types the same answer can take (e.g. text/csv with ?format=csv), listed after the main one. */
  alternatives?: string[];
};

export type ApiOperation = {
  method: Method;
  /** OpenAPI path template: `/api/v1/hosts/{hostId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** `token`: Authorization: Bearer; `sdk`: the SDK's signature headers (CONTRACT §6); `public`: none. */
  security: "token" | "sdk" | "public";
  /** What the caller's role needs (CONTRACT §1); null: any member. Token routes only. */
  permission?: Permission | null;
  pathParams?: Record<string, string>;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required?: boolean; description?: string } | { contentType: string; description: string; maxBytes?: number };
  responses: Record<number, ApiResponse>;
  /** Error statuses beyond the ones every operation of its kind can answer (see ./document.ts). */
  errors?: number[];
};

const listQuery = listParamsSchema;
const withList = <T extends z.ZodObject>(filter: T) => filter.extend(listParamsSchema.shape);

const ok = (schema: z.ZodType, description = "OK"): Record<number, ApiResponse> => ({ 200: { description, schema } });
const created = (schema: z.ZodType, description = "Created"): Record<number, ApiResponse> => ({ 201: { description, schema } });

const CSV_NOTE = "With `?format=csv` or `Accept: text/csv` the same rows come as CSV (RFC 4180, a header row, a download).";
const csvQuery = <T extends z.ZodObject>(q: T) => q.extend({ format: z.enum(["json", "csv"]).optional().describe("json (default) or csv") });

const hostId = { hostId: "The host app's id" };
const appId = { appId: "The mini-program's appId, e.g. com.demo.coupons" };
const versionId = { versionId: "The version's id" };
const assignmentId = { id: "The assignment's id" };
const webhookId = { id: "The webhook endpoint's id" };

const json = <T extends z.ZodType>(schema: T, required = true) => ({ schema, required });

const hostOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/hosts", operationId: "listHosts", tag: "Host apps", security: "token", permission: "catalog.read",
    summary: "List host apps", query: withList(hostListFilterSchema), responses: ok(S.page(S.Host)),
  },
  {
    method: "post", path: "/api/v1/hosts", operationId: "createHost", tag: "Host apps", security: "token", permission: "hosts.manage",
    summary: "Register a host app", description: "Answers the SDK key and secret; the secret is shown this once.",
    body: json(createHostInput), responses: created(S.HostWithSecret),
  },
  {
    method: "get", path: "/api/v1/hosts/{hostId}", operationId: "getHost", tag: "Host apps", security: "token", permission: "catalog.read",
    summary: "Read a host app", pathParams: hostId, responses: ok(S.Host),
  },
  {
    method: "patch", path: "/api/v1/hosts/{hostId}", operationId: "updateHost", tag: "Host apps", security: "token", permission: "hosts.manage",
    summary: "Edit a host app (name, platforms, status, capability policy)", pathParams: hostId, body: json(updateHostInput), responses: ok(S.Host),
  },
  {
    method: "post", path: "/api/v1/hosts/{hostId}/rotate-secret", operationId: "rotateHostSecret", tag: "Host apps", security: "token", permission: "hosts.manage",
    summary: "Rotate the SDK secret", description: "The new secret is shown once; the old one keeps working for 24 hours.",
    pathParams: hostId, responses: ok(S.HostWithSecret),
  },
  {
    method: "get", path: "/api/v1/hosts/{hostId}/recommendations", operationId: "listHostRecommendations", tag: "Host apps", security: "token", permission: "analytics.view",
    summary: "Mini-programs this host app could run next, ranked, with reasons",
    description:
      "The organization's approved mini-programs the host does not run yet and whose newest fitting version its policy accepts, ranked by co-usage " +
      "(people on other host apps who use what this host runs and also use it), reach over the last 30 days, and category fit.",
    pathParams: hostId, responses: ok(S.Recommendations),
  },
  {
    method: "get", path: "/api/v1/hosts/{hostId}/assignments", operationId: "listHostAssignments", tag: "Assignments", security: "token", permission: "catalog.read",
    summary: "List a host app's assignments", pathParams: hostId, query: listQuery, responses: ok(S.page(S.Assignment)),
  },
  {
    method: "post", path: "/api/v1/hosts/{hostId}/assignments", operationId: "assignVersion", tag: "Assignments", security: "token", permission: "assignments.manage",
    summary: "Assign a mini-program version to a host app",
    description: "A version that does not fit the host's policy answers 422 with each reason.",
    pathParams: hostId, body: json(assignInput), responses: created(S.Assignment),
  },
];

const miniProgramOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/mini-programs", operationId: "listMiniPrograms", tag: "Mini-programs", security: "token", permission: "catalog.read",
    summary: "List mini-programs", description: "Developers see the mini-programs they collaborate on. `status` filters on archiving: `active`, `archived`, or `all` (the default).",
    query: withList(listMiniProgramsFilter), responses: ok(S.page(S.MiniProgram)),
  },
  {
    method: "post", path: "/api/v1/mini-programs", operationId: "createMiniProgram", tag: "Mini-programs", security: "token", permission: "miniPrograms.write",
    summary: "Create a mini-program", body: json(createMiniProgramInput), responses: created(S.MiniProgram),
  },
  {
    method: "get", path: "/api/v1/mini-programs/{appId}", operationId: "getMiniProgram", tag: "Mini-programs", security: "token", permission: "catalog.read",
    summary: "Read a mini-program", pathParams: appId, responses: ok(S.MiniProgram),
  },
  {
    method: "patch", path: "/api/v1/mini-programs/{appId}", operationId: "updateMiniProgram", tag: "Mini-programs", security: "token", permission: "miniPrograms.write",
    summary: "Edit a mini-program", pathParams: appId, body: json(updateMiniProgramInput), responses: ok(S.MiniProgram),
  },
  {
    method: "delete", path: "/api/v1/mini-programs/{appId}", operationId: "deleteMiniProgram", tag: "Mini-programs", security: "token", permission: "miniPrograms.lifecycle",
    summary: "Delete a mini-program that never had an approved version",
    description:
      "Removes it with its versions, reviews, collaborators, permission requests and listing, in one transaction; answers it as it was, marked `deleted`. " +
      "One that ever had an approved version (approved or revoked) answers 409: archive it instead. Its raw analytics events are kept.",
    pathParams: appId, responses: ok(S.DeletedMiniProgram),
  },
  {
    method: "post", path: "/api/v1/mini-programs/{appId}/archive", operationId: "archiveMiniProgram", tag: "Mini-programs", security: "token", permission: "miniPrograms.lifecycle",
    summary: "Archive a mini-program",
    description:
      "Takes it off every host's manifest at once (its packages are no longer delivered) and makes it read-only: uploads, submissions, edits and new assignments answer 409. " +
      "Its assignments are kept, inert; restoring brings them back as they were. Archiving an archived mini-program answers 409 and changes nothing.",
    pathParams: appId, responses: ok(S.MiniProgram),
  },
  {
    method: "post", path: "/api/v1/mini-programs/{appId}/restore", operationId: "restoreMiniProgram", tag: "Mini-programs", security: "token", permission: "miniPrograms.lifecycle",
    summary: "Restore an archived mini-program", description: "Its assignments serve again as they were. Restoring one that is not archived answers 409.",
    pathParams: appId, responses: ok(S.MiniProgram),
  },
  {
    method: "get", path: "/api/v1/mini-programs/{appId}/collaborators", operationId: "listCollaborators", tag: "Mini-programs", security: "token", permission: "catalog.read",
    summary: "List a mini-program's collaborators", pathParams: appId, responses: ok(S.page(S.Collaborator)),
  },
  {
    method: "post", path: "/api/v1/mini-programs/{appId}/collaborators", operationId: "addCollaborator", tag: "Mini-programs", security: "token", permission: "collaborators.manage",
    summary: "Add a collaborator", pathParams: appId, body: json(collaboratorInput), responses: created(S.Collaborator),
  },
  {
    method: "delete", path: "/api/v1/mini-programs/{appId}/collaborators/{userId}", operationId: "removeCollaborator", tag: "Mini-programs", security: "token",
    permission: "collaborators.manage", summary: "Remove a collaborator", pathParams: { ...appId, userId: "The collaborator's user id" },
    responses: ok(z.looseObject({ userId: z.string() })),
  },
  {
    method: "get", path: "/api/v1/mini-programs/{appId}/versions", operationId: "listVersions", tag: "Versions", security: "token", permission: "catalog.read",
    summary: "List a mini-program's versions", pathParams: appId, query: listQuery, responses: ok(S.page(S.Version)),
  },
  {
    method: "post", path: "/api/v1/mini-programs/{appId}/versions", operationId: "uploadVersion", tag: "Versions", security: "token", permission: "miniPrograms.write",
    summary: "Upload a package as a new draft version",
    description: "The body is the package itself. 201 with the version and its inspection report, or 422 with the report (nothing is stored). `?notes=` sets the release notes (Markdown, at most 10 KiB).",
    query: z.object({ notes: z.string().optional().describe("Release notes, Markdown, at most 10 KiB of UTF-8") }),
    pathParams: appId,
    body: { contentType: "application/zip", description: "The mini-program package (CONTRACT §4), at most 10 MiB", maxBytes: 10 * 1024 * 1024 },
    responses: { ...created(S.UploadResult), 422: { description: "Inspection rejected the package, or the request is invalid", schema: z.union([S.InspectionRejected, S.ErrorBody]) } },
  },
];

const transition = (name: "submit" | "withdraw" | "approve" | "reject" | "revoke", summary: string, permission: Permission, body?: z.ZodType): ApiOperation => ({
  method: "post",
  path: `/api/v1/versions/{versionId}/${name}`,
  operationId: `${name}Version`,
  tag: "Versions",
  security: "token",
  permission,
  summary,
  description: "A transition not allowed from the version's current state answers 409 and changes nothing.",
  pathParams: versionId,
  ...(body ? { body: json(body, name !== "approve") } : {}),
  responses: ok(S.Version),
});

const versionOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/versions/{versionId}", operationId: "getVersion", tag: "Versions", security: "token", permission: "catalog.read",
    summary: "Read a version, with its inspection report and review history", pathParams: versionId, responses: ok(S.VersionDetail),
  },
  {
    method: "patch", path: "/api/v1/versions/{versionId}", operationId: "updateVersionNotes", tag: "Versions", security: "token", permission: "miniPrograms.write",
    summary: "Set a version's release notes",
    description: "`{\"notes\"}`: Markdown, at most 10 KiB of UTF-8 (422 over). Only while the version is `draft` or `in_review` (409 otherwise), by its uploader, owners and admins.",
    pathParams: versionId, body: { schema: updateNotesInput }, responses: ok(S.Version),
  },
  transition("submit", "Submit a draft for review", "miniPrograms.write"),
  transition("withdraw", "Withdraw a version from review", "miniPrograms.write"),
  transition("approve", "Approve a version in review (never one's own upload)", "review.decide", approveInput),
  transition("reject", "Reject a version in review, with reasons from the catalog", "review.decide", rejectInput),
  transition("revoke", "Revoke an approved version (kill switch)", "versions.revoke", revokeInput),
];

const assignmentOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/assignments/{id}", operationId: "getAssignment", tag: "Assignments", security: "token", permission: "catalog.read",
    summary: "Read an assignment", pathParams: assignmentId, responses: ok(S.Assignment),
  },
  {
    method: "patch", path: "/api/v1/assignments/{id}", operationId: "updateAssignment", tag: "Assignments", security: "token", permission: "assignments.manage",
    summary: "Set the candidate, rollout, pause, targeting rules, trial version and testers, schedule, guardrail",
    description:
      "CONTRACT §3 and §8. `rules` (platforms, SDK version range, up to 1,000 users) decide who is eligible for the candidate; a trial version (draft, in review or approved) goes to `testers` only (up to 500); " +
      "`schedule` moves the percentage every `everyMinutes`; `guardrail` halts the rollout when the candidate's error rate over the window exceeds the ceiling on enough launches. " +
      "Resuming (`paused: false`) ends a halt. `revision` guards against a concurrent change (409 when stale).",
    pathParams: assignmentId, body: json(updateAssignmentInput), responses: ok(S.Assignment),
  },
  {
    method: "delete", path: "/api/v1/assignments/{id}", operationId: "unassign", tag: "Assignments", security: "token", permission: "assignments.manage",
    summary: "Unassign", description: "Answers the assignment as it was, marked `deleted`.", pathParams: assignmentId,
    body: json(revisionInput, false), responses: ok(S.DeletedAssignment),
  },
  {
    method: "post", path: "/api/v1/assignments/{id}/promote", operationId: "promoteAssignment", tag: "Assignments", security: "token", permission: "assignments.manage",
    summary: "Make the candidate stable", pathParams: assignmentId, body: json(revisionInput, false), responses: ok(S.Assignment),
  },
  {
    method: "post", path: "/api/v1/assignments/{id}/rollback", operationId: "rollbackAssignment", tag: "Assignments", security: "token", permission: "assignments.manage",
    summary: "Drop the candidate, or go back to the previous stable version", pathParams: assignmentId, body: json(revisionInput, false), responses: ok(S.Assignment),
  },
  {
    method: "get", path: "/api/v1/assignments/{id}/events", operationId: "listAssignmentEvents", tag: "Assignments", security: "token", permission: "catalog.read",
    summary: "An assignment's timeline, newest first", pathParams: assignmentId, query: listQuery, responses: ok(S.page(S.AssignmentEvent)),
  },
];

const releaseId = { id: "The release's id" };

const releaseOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/releases", operationId: "listReleases", tag: "Releases", security: "token", permission: "catalog.read",
    summary: "Releases, newest first", query: withList(releaseListFilter), responses: ok(S.page(S.Release)),
  },
  {
    method: "post", path: "/api/v1/releases", operationId: "createRelease", tag: "Releases", security: "token", permission: "assignments.manage",
    summary: "Release a version across rings of host apps",
    description:
      "Rings roll in order, each with its own schedule and guardrail; the next starts when every host of the previous runs the version as stable. " +
      "The first ring starts at once. A halt in any ring halts the release. 422 with every reason a host cannot take the version; 409 while the mini-program has a running release.",
    body: json(createReleaseInput), responses: created(S.Release), errors: [409],
  },
  {
    method: "get", path: "/api/v1/releases/{id}", operationId: "getRelease", tag: "Releases", security: "token", permission: "catalog.read",
    summary: "A release: rings, hosts, state, figures", pathParams: releaseId, responses: ok(S.Release),
  },
  {
    method: "post", path: "/api/v1/releases/{id}/cancel", operationId: "cancelRelease", tag: "Releases", security: "token", permission: "assignments.manage",
    summary: "Cancel a running release", description: "No further ring starts; hosts keep what they run. 409 unless running.",
    pathParams: releaseId, body: json(cancelReleaseInput, false), responses: ok(S.Release), errors: [409],
  },
];

const requestId = { id: "The permission request's id" };

const permissionRequestOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/hosts/{hostId}/requests", operationId: "listPermissionRequests", tag: "Permission requests", security: "token", permission: "catalog.read",
    summary: "A host app's permission requests, newest first",
    description: "Developers see only the requests of mini-programs they collaborate on.",
    pathParams: hostId, query: withList(permissionRequestFilter), responses: ok(S.page(S.PermissionRequest)),
  },
  {
    method: "post", path: "/api/v1/hosts/{hostId}/requests", operationId: "createPermissionRequest", tag: "Permission requests", security: "token", permission: "miniPrograms.write",
    summary: "Ask a host app for permissions and domains its policy lacks",
    description:
      "Developers: on mini-programs they collaborate on (another answers 404). Only what the policy still lacks is recorded; " +
      "an unknown permission or an invalid domain, or nothing left to ask for, is 422.",
    pathParams: hostId, body: json(createPermissionRequestInput), responses: created(S.PermissionRequest),
  },
  {
    method: "post", path: "/api/v1/requests/{id}/approve", operationId: "approvePermissionRequest", tag: "Permission requests", security: "token", permission: "hosts.manage",
    summary: "Approve a pending request", description: "Adds its permissions and domains to the host's policy in the same transaction. Not pending: 409.",
    pathParams: requestId, body: json(decidePermissionRequestInput, false), responses: ok(S.PermissionRequest), errors: [409],
  },
  {
    method: "post", path: "/api/v1/requests/{id}/reject", operationId: "rejectPermissionRequest", tag: "Permission requests", security: "token", permission: "hosts.manage",
    summary: "Reject a pending request with a comment", description: "Not pending: 409.",
    pathParams: requestId, body: json(decidePermissionRequestInput, false), responses: ok(S.PermissionRequest), errors: [409],
  },
];

const metaOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/openapi.json", operationId: "getOpenApiDocument", tag: "API description", security: "public",
    summary: "This document", description: "OpenAPI 3.1, generated from the schemas that validate requests and shape answers.",
    responses: { 200: { description: "The OpenAPI document", schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }) } },
  },
];

const insightOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/analytics/overview", operationId: "getAnalyticsOverview", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "Usage figures for a range of UTC days",
    description:
      "With compare=previous the answer adds `previous`: the same figures for the N days before `from`, under the same filters. " +
      "With format=csv it answers one table (`table`: days, totals or breakdown) as CSV with the same numbers. Read from the daily rollups: exact, never sampled.",
    query: overviewApiQuerySchema, responses: { 200: { description: "OK", schema: S.Overview, alternatives: ["text/csv"] } }, errors: [404],
  },
  {
    method: "get", path: "/api/v1/analytics/versions/compare", operationId: "compareVersions", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "Two versions of a mini-program side by side over a range",
    description:
      "The overview's figures (totals, retention, users by platform) of version `a` and of version `b` over the range, optionally on one host app; " +
      "without `a` and `b`, the newest two versions with events in the range (b the newest). An unknown mini-program or host app is 404; " +
      "a version neither uploaded nor ever reported by an event is 404 `not_found`; the same version twice, or fewer than two versions to default to, is 422. " +
      "The same range limits as the overview. With format=csv: one row per metric, columns a, b, delta (b − a) and change (delta / a).",
    query: versionCompareQuerySchema, responses: { 200: { description: "OK", schema: S.VersionComparison, alternatives: ["text/csv"] } }, errors: [404],
  },
  {
    method: "get", path: "/api/v1/analytics/anomalies", operationId: "listAnomalies", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "Days where a mini-program's usage on a host app departs from its own history",
    description:
      "For every mini-program × host app series, each ended UTC day of the range is predicted from the 8 weeks before it (weekday pattern, trend) " +
      "for launches, active users and error rate; departures of at least 4 robust standard deviations are listed, strongest first. " +
      "A day with too little traffic to judge (under 3 weeks of history, under 20 expected launches or users, under 50 launches for the error rate) is never listed. " +
      "Read from the daily rollups: exact, never sampled. The same range limits as the overview.",
    query: anomalyQuerySchema, responses: ok(S.Anomalies), errors: [404],
  },
  {
    method: "get", path: "/api/v1/analytics/adoption", operationId: "getAdoption", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "Distinct users per version of a mini-program over the last complete UTC day",
    description: "Every approved version is listed; `share` sums to 1, or is null on every row when there were no users.",
    query: adoptionQuerySchema, responses: ok(S.Adoption),
  },
  {
    method: "get", path: "/api/v1/analytics/errors", operationId: "listErrorGroups", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "Error events of one mini-program grouped by a fingerprint of their message",
    description:
      "The fingerprint is 16 hex digits of SHA-256 of the message with its numbers, hex and uuid-like ids, prefixed ids (ord_8f3a2) and URL " +
      "paths, queries and fragments replaced by placeholders (the URL's scheme and host stay), case and quoted text kept, whitespace collapsed, " +
      "the first 512 characters. Per group: count, distinct users, first and last event, versions and a count for every day of the range; with " +
      "`version`, `newInVersion` says no earlier version (numeric-aware order) of the mini-program ever had it, over all stored days and hosts. " +
      "Most frequent first, at most 100 groups. Read from daily rollups: exact, never sampled. The same range limits as the overview; an unknown " +
      "or unreachable mini-program or host is 404. " + CSV_NOTE,
    query: csvQuery(keyedQuerySchema), responses: ok(S.ErrorGroups), errors: [404],
  },
  {
    method: "get", path: "/api/v1/analytics/pages", operationId: "listPageViews", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "page_view events of one mini-program by page: views and distinct users",
    description: "Most viewed first, at most 500 pages; page views without a page are not listed. Read from daily rollups: exact. " + CSV_NOTE,
    query: csvQuery(keyedQuerySchema), responses: ok(S.PageStats), errors: [404],
  },
  {
    method: "get", path: "/api/v1/analytics/events", operationId: "listCustomEvents", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "custom events of one mini-program by name: count and distinct users",
    description: "Most counted first, at most 500 names. Read from daily rollups: exact. " + CSV_NOTE,
    query: csvQuery(keyedQuerySchema), responses: ok(S.CustomEventStats), errors: [404],
  },
  {
    method: "post", path: "/api/v1/analytics/funnel", operationId: "getFunnel", tag: "Analytics", security: "token", permission: "analytics.view",
    summary: "How many sessions reach each of 1–10 ordered steps (pages or custom events)",
    description:
      "A session is one user's events in the mini-program on one host app, in (ts, id) order within the range's UTC days: a new session starts " +
      "after a gap of more than 30 minutes since the user's previous event, or after a session_end event. A session reaches step n when its " +
      "events hold steps 1…n in that order (not necessarily adjacent; each event counts for one step): a `page` step is a page_view of exactly " +
      "that page, an `event` step a custom event of exactly that name. `conversion` is sessions / the first step's sessions. Exact: computed " +
      "from the raw events of the range. Reads nothing else and changes nothing (POST only to carry the steps). 0 or more than 10 steps, or a " +
      "range over the limit, is 422; an unknown mini-program or host 404. " + CSV_NOTE,
    query: z.object({ format: z.enum(["json", "csv"]).optional() }),
    body: json(funnelInputSchema), responses: ok(S.Funnel), errors: [404],
  },
  {
    method: "get", path: "/api/v1/audit", operationId: "listAudit", tag: "Audit log", security: "token", permission: "audit.view",
    summary: "The audit log, newest first", query: withList(auditFilterSchema), responses: ok(S.page(S.AuditEntry)),
  },
];

const webhookOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/webhooks", operationId: "listWebhooks", tag: "Webhooks", security: "token", permission: "settings.manage",
    summary: "List webhook endpoints", responses: ok(S.page(S.WebhookEndpoint)),
  },
  {
    method: "get", path: "/api/v1/webhooks/{id}/deliveries", operationId: "listWebhookDeliveries", tag: "Webhooks", security: "token", permission: "settings.manage",
    summary: "An endpoint's delivery log, newest first", description: "Each delivery with its status, attempts, latency and the first bytes of the answer.",
    pathParams: webhookId, query: listQuery, responses: ok(S.page(S.WebhookDelivery)),
  },
  {
    method: "post", path: "/api/v1/webhooks/{id}/test", operationId: "sendWebhookTestEvent", tag: "Webhooks", security: "token", permission: "settings.manage",
    summary: "Send a test event", description: "Sends a signed `webhook.test` event to the endpoint now and answers the delivery with the attempt's outcome.",
    pathParams: webhookId, responses: created(S.WebhookDelivery),
  },
  {
    method: "post", path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", operationId: "redeliverWebhook", tag: "Webhooks", security: "token",
    permission: "settings.manage", summary: "Send a delivery's event again",
    description: "A new delivery with the same payload and event id, signed afresh and attempted now; answers it with the attempt's outcome.",
    pathParams: { ...webhookId, deliveryId: "The delivery to send again" }, responses: created(S.WebhookDelivery),
  },
];

const ssoOps: ApiOperation[] = [
  {
    method: "get", path: "/api/v1/sso", operationId: "getSso", tag: "Enterprise sign-in", security: "token", permission: "settings.manage",
    summary: "The organization's OpenID Connect sign-in", description: "With `redirectUri`, the callback URL to register at the identity provider; the client secret is never answered.",
    responses: ok(S.SsoSettings),
  },
  {
    method: "put", path: "/api/v1/sso", operationId: "putSso", tag: "Enterprise sign-in", security: "token", permission: "settings.manage",
    summary: "Set the organization's OpenID Connect sign-in",
    description:
      "Reads the issuer's discovery document first: an unreachable or invalid issuer, a domain another organization claims, a client secret " +
      "over 4 KiB or an unknown default role answers 422 with the reason (`details.fields`, and `details.reason`), and nothing is saved. " +
      "Turning `enforced` on ends the password sessions of the members it covers (owners keep theirs).",
    body: json(ssoSettingsInput), responses: ok(S.SsoSettings),
  },
  {
    method: "delete", path: "/api/v1/sso", operationId: "deleteSso", tag: "Enterprise sign-in", security: "token", permission: "settings.manage",
    summary: "Turn single sign-on off", description: "The domains are released; people keep their accounts and roles.", responses: ok(S.SsoSettings),
  },
];

const sdkOps: ApiOperation[] = [
  {
    method: "get", path: "/api/sdk/v1/manifest", operationId: "getManifest", tag: "SDK", security: "sdk",
    summary: "What this host app should run now", description: "With an ETag; `If-None-Match` with that tag answers 304.",
    query: manifestQuerySchema,
    responses: { 200: { description: "The manifest, signed (CONTRACT §13)", schema: S.Manifest, headers: ["ETag", "X-MP-Manifest-Signature"] }, 304: { description: "Not modified" } },
  },
  {
    method: "get", path: "/api/sdk/v1/keys", operationId: "getManifestKeys", tag: "SDK", security: "sdk",
    summary: "The public keys that verify this organization's manifests",
    description: "The active key signs; a retiring key stays listed for 24 hours after a rotation.",
    responses: ok(S.ManifestKeys),
  },
  {
    method: "get", path: "/api/sdk/v1/packages/{sha256}", operationId: "getPackage", tag: "SDK", security: "sdk",
    summary: "A package's bytes, when it is deliverable to this host now", pathParams: { sha256: "The package's SHA-256 (hex)" },
    responses: { 200: { description: "The package", contentType: "application/zip" } }, errors: [404],
  },
  {
    method: "post", path: "/api/sdk/v1/events", operationId: "sendEvents", tag: "SDK", security: "sdk",
    summary: "Send usage events", description: "At most 500 events and 1 MiB. Idempotent by (host, event id).",
    body: json(S.EventBatch), responses: { 202: { description: "Accepted", schema: S.EventsResult } }, errors: [413, 503],
  },
];

export const API_OPERATIONS: ApiOperation[] = [...hostOps, ...miniProgramOps, ...versionOps, ...assignmentOps, ...releaseOps, ...permissionRequestOps, ...insightOps, ...webhookOps, ...ssoOps, ...sdkOps, ...metaOps];
