// The wire shapes of /api/v1 and /api/sdk/v1 answers as zod schemas, for the OpenAPI document. Objects are
// loose: CONTRACT §3 welcomes more fields, so a field added to an answer never breaks a client, while every
// field listed here is checked against real answers (lib/api/openapi/openapi.test.ts).
import { z } from "zod";
import { ASSIGNMENT_ACTIONS, HALTED_BY, PLATFORMS, REJECTION_REASONS, PERMISSION_REQUEST_STATUSES, RELEASE_STATUSES, RING_STATES, VERSION_STATUSES, WEBHOOK_EVENTS } from "@/db/schema";
import { ERROR_STATUS } from "@/lib/errors";

/** Named schemas become `#/components/schemas/<name>`. */
export const components = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  components.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

const iso = z.iso.datetime({ offset: true });
const nullableIso = iso.nullable();

export const ErrorBody = named(
  "Error",
  z.object({
    error: z.looseObject({
      code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  }),
  "The one error shape of every answer that is not a success (CONTRACT §3).",
);

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const Platform = named("Platform", z.enum(PLATFORMS));
export const HostPolicy = named(
  "HostPolicy",
  z.looseObject({
    allowedPermissions: z.array(z.string()),
    allowedDomains: z.array(z.string()).nullable(),
    minSdkVersion: z.string().nullable(),
  }),
);

export const Host = named(
  "Host",
  z.looseObject({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.enum(["active", "disabled"]),
    sdkKey: z.string(),
    platforms: z.array(z.object({ platform: Platform, identifier: z.string() })),
    policy: HostPolicy,
    urlScheme: z.string().nullable().describe("The host app's URL scheme for deep links to trial versions (CONTRACT §8)"),
    secretRotatedAt: nullableIso,
    previousSecretExpiresAt: nullableIso,
    createdAt: iso,
    updatedAt: iso,
  }),
);

export const HostWithSecret = named(
  "HostWithSecret",
  Host.extend({ sdkSecret: z.string().describe("Shown once: store it now.") }),
);

export const VersionStatus = named("VersionStatus", z.enum(VERSION_STATUSES));

export const LatestVersion = z.looseObject({ id: z.string(), version: z.string(), status: VersionStatus, createdAt: iso });

export const MiniProgram = named(
  "MiniProgram",
  z.looseObject({
    id: z.string(),
    appId: z.string(),
    name: z.string(),
    category: z.string(),
    description: z.string(),
    icon: z.string().nullable(),
    status: z.enum(["active", "archived"]),
    archivedAt: iso.nullable(),
    createdAt: iso,
    updatedAt: iso,
    latestVersion: LatestVersion.nullable().optional(),
  }),
);

export const DeletedMiniProgram = named("DeletedMiniProgram", MiniProgram.extend({ deleted: z.literal(true) }));

export const Review = named(
  "Review",
  z.looseObject({
    decision: z.enum(["approved", "rejected"]),
    reasons: z.array(z.string()),
    comment: z.string(),
    reviewer: z.string().nullable(),
    at: iso,
  }),
);

export const Version = named(
  "Version",
  z.looseObject({
    id: z.string(),
    appId: z.string(),
    version: z.string(),
    status: VersionStatus,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.int().min(0),
    uploadedBy: z.string().nullable(),
    createdAt: iso,
    submittedAt: nullableIso,
    decidedAt: nullableIso,
    revokedAt: nullableIso,
    revokeReason: z.string().nullable(),
    permissions: z.array(z.string()),
    domains: z.array(z.string()),
    minSdkVersion: z.string().nullable(),
    warningCount: z.int().min(0),
    notes: z.string().describe("Release notes, Markdown, at most 10 KiB"),
    reviews: z.array(Review),
  }),
);

export const Finding = named("Finding", z.looseObject({ code: z.string(), message: z.string(), path: z.string().optional() }));

export const Inspection = named(
  "Inspection",
  z.looseObject({
    ok: z.boolean(),
    sha256: z.string(),
    size: z.int().min(0),
    uncompressedSize: z.int().min(0),
    fileCount: z.int().min(0),
    manifest: z
      .looseObject({
        appId: z.string(),
        name: z.string(),
        version: z.string(),
        pages: z.array(z.string()),
        permissions: z.array(z.string()),
        domains: z.array(z.string()),
        minSdkVersion: z.string().nullable(),
      })
      .nullable(),
    errors: z.array(Finding),
    warnings: z.array(Finding),
  }),
  "The inspection report of a package (CONTRACT §4).",
);

export const VersionDetail = named(
  "VersionDetail",
  Version.extend({ manifest: z.record(z.string(), z.unknown()), inspection: Inspection, miniProgramName: z.string() }),
);

export const UploadResult = named("UploadResult", z.object({ version: Version, inspection: Inspection }));

export const InspectionRejected = named(
  "InspectionRejected",
  z.object({
    error: z.looseObject({ code: z.literal("invalid_input"), message: z.string(), details: z.looseObject({ inspection: Inspection }) }),
  }),
  "422 for a package that inspection rejects: the report lists every error.",
);

const RolloutRules = z.looseObject({ platforms: z.array(z.enum(PLATFORMS)).optional(), sdkVersion: z.string().optional(), users: z.array(z.string()).optional() });
const RolloutSchedule = z.looseObject({ steps: z.array(z.int().min(1).max(100)), everyMinutes: z.int().min(1), promoteAtEnd: z.boolean() });
const Guardrail = z.looseObject({ maxErrorRate: z.number().min(0).max(1), minLaunches: z.int().min(1), windowMinutes: z.int().min(1) });

const AssignedVersion = z.looseObject({
  id: z.string(),
  version: z.string(),
  status: VersionStatus,
  delivery: z.enum(["delivered", "revoked", "outside_policy"]),
  reasons: z.array(z.unknown()),
});

export const Assignment = named(
  "Assignment",
  z.looseObject({
    id: z.string(),
    hostId: z.string(),
    hostName: z.string(),
    appId: z.string(),
    miniProgramName: z.string(),
    stableVersionId: z.string(),
    candidateVersionId: z.string().nullable(),
    previousStableVersionId: z.string().nullable(),
    rolloutPercent: z.int().min(0).max(100),
    paused: z.boolean(),
    revision: z.int(),
    stable: AssignedVersion.nullable(),
    candidate: AssignedVersion.nullable(),
    previousStable: AssignedVersion.nullable(),
    rules: RolloutRules.nullable(),
    trialVersionId: z.string().nullable(),
    trial: AssignedVersion.nullable(),
    testers: z.array(z.string()),
    schedule: RolloutSchedule.extend({ nextStepAt: nullableIso }).nullable(),
    guardrail: Guardrail.nullable(),
    haltedBy: z.enum(HALTED_BY).nullable(),
    haltReason: z.string().nullable(),
    haltedAt: nullableIso,
    releaseId: z.string().nullable(),
    createdAt: iso,
    updatedAt: iso,
  }),
);

const ReleaseFigures = z.looseObject({
  version: z.string(),
  launches: z.int(),
  users: z.int(),
  errors: z.int(),
  errorRate: z.number().nullable(),
  sessions: z.int(),
  avgSessionMs: z.number().nullable(),
});

export const Release = named(
  "Release",
  z.looseObject({
    id: z.string(),
    appId: z.string(),
    versionId: z.string(),
    version: z.string(),
    status: z.enum(RELEASE_STATUSES),
    currentRing: z.int().min(0),
    haltReason: z.string().nullable(),
    rings: z.array(
      z.looseObject({
        name: z.string(),
        schedule: RolloutSchedule.nullable(),
        guardrail: Guardrail.nullable(),
        state: z.enum(RING_STATES),
        startedAt: nullableIso,
        finishedAt: nullableIso,
        hosts: z.array(
          z.looseObject({
            hostId: z.string(),
            hostName: z.string(),
            assignmentId: z.string().nullable(),
            state: z.enum(["waiting", "rolling", "paused", "halted", "done", "removed"]),
            rolloutPercent: z.int().min(0).max(100),
            nextStepAt: nullableIso,
            haltReason: z.string().nullable(),
            figures: ReleaseFigures,
          }),
        ),
      }),
    ),
    createdBy: z.string().nullable(),
    revision: z.int(),
    createdAt: iso,
    updatedAt: iso,
    finishedAt: nullableIso,
  }),
  "A version rolled across rings of host apps in order (CONTRACT §8); each host's state and figures are read live.",
);

export const DeletedAssignment = named("DeletedAssignment", Assignment.extend({ deleted: z.literal(true) }));

export const AssignmentEvent = named(
  "AssignmentEvent",
  z.looseObject({
    id: z.string(),
    assignmentId: z.string(),
    hostId: z.string(),
    appId: z.string(),
    action: z.enum(ASSIGNMENT_ACTIONS),
    from: z.record(z.string(), z.unknown()).nullable(),
    to: z.record(z.string(), z.unknown()).nullable(),
    actor: z.string().nullable(),
    at: iso,
  }),
);

export const Collaborator = named(
  "Collaborator",
  z.looseObject({ userId: z.string(), email: z.string(), name: z.string(), role: z.string().nullable(), addedAt: iso.optional() }),
);

export const AuditEntry = named(
  "AuditEntry",
  z.looseObject({
    id: z.string(),
    at: iso,
    actor: z.looseObject({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string().nullable(),
    ip: z.string().nullable(),
    changes: z.unknown(),
  }),
);

const ratio = z.number().nullable();
const totalsShape = {
  launches: z.int().min(0),
  activeUsers: z.int().min(0),
  sessions: z.int().min(0),
  avgSessionMs: z.number().nullable(),
  errors: z.int().min(0),
  errorRate: ratio,
};
export const Totals = named("AnalyticsTotals", z.looseObject(totalsShape));

const AnalyticsDay = z.looseObject({
  day: z.iso.date(),
  ...totalsShape,
  mau: z.int().min(0),
  retentionD1: ratio,
  retentionD7: ratio,
  partial: z.boolean().optional(),
});
const RangeRetention = z
  .looseObject({ d1: ratio, d7: ratio })
  .describe("Retention over the range: the share of the new users of every cohort whose day 1 (day 7) has ended who came back, weighted by cohort size; null with no such cohort.");

export const PreviousPeriod = named(
  "AnalyticsPreviousPeriod",
  z.looseObject({ from: z.iso.date(), to: z.iso.date(), totals: Totals, days: z.array(AnalyticsDay), retention: RangeRetention }),
  "The same figures, under the same filters, for the N days just before `from` (N = the length of the range); its days align with the range's by position.",
);

export const Overview = named(
  "AnalyticsOverview",
  z.looseObject({
    from: z.iso.date(),
    to: z.iso.date(),
    totals: Totals,
    days: z.array(AnalyticsDay),
    retention: RangeRetention,
    previous: PreviousPeriod.optional().describe("Only with compare=previous."),
    breakdown: z.looseObject({
      host: z.array(z.looseObject({ key: z.string(), hostId: z.string(), name: z.string(), ...totalsShape })),
      miniProgram: z.array(z.looseObject({ key: z.string(), appId: z.string(), name: z.string(), ...totalsShape })),
      version: z.array(z.looseObject({ key: z.string(), appId: z.string(), version: z.string(), ...totalsShape })),
      platform: z.array(z.looseObject({ key: z.string(), platform: Platform, ...totalsShape })),
    }),
  }),
  "The figures of CONTRACT §7 for a range, per day and in total, broken down by host, mini-program, version and platform.",
);

export const Anomaly = named(
  "Anomaly",
  z.looseObject({
    day: z.iso.date(),
    hostId: z.string(),
    appId: z.string(),
    metric: z.enum(["launches", "activeUsers", "errorRate"]),
    value: z.number().min(0).describe("The day's exact figure (a count, or errors ÷ launches)"),
    expected: z.number().min(0).describe("What the series' own history (weekday pattern and trend) predicted for the day"),
    direction: z.enum(["up", "down"]),
    score: z.number().min(0).describe("How far the day departs from the prediction, in robust standard deviations (MAD); the larger, the stronger"),
  }),
  "A day where a mini-program's figure on a host app departs from what its own history predicts (CONTRACT §11).",
);

export const Anomalies = named("Anomalies", z.looseObject({ items: z.array(Anomaly) }));

export const Recommendation = named(
  "Recommendation",
  z.looseObject({
    appId: z.string(),
    name: z.string(),
    score: z.number().min(0).max(1),
    reasons: z.array(z.string()).min(1),
    versionId: z.string().optional().describe("The newest approved version the host's policy accepts"),
  }),
  "An approved mini-program the host app does not run yet and whose policy it fits, with why (CONTRACT §11).",
);

export const Recommendations = named("Recommendations", z.looseObject({ items: z.array(Recommendation) }));

export const RejectionReason = named("RejectionReason", z.enum(REJECTION_REASONS));

// ---- webhooks ----

export const SsoSettings = named(
  "SsoSettings",
  z.looseObject({
    issuer: z.string().nullable().describe("The provider's issuer identifier, as its discovery document states it"),
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean().describe("Whether a client secret is stored; the secret itself is never answered"),
    domains: z.array(z.string()),
    defaultRole: z.enum(["admin", "reviewer", "developer", "analyst"]),
    enforced: z.boolean(),
    enabled: z.boolean(),
    redirectUri: z.string().describe("The console's callback URL, to register at the identity provider"),
    updatedAt: nullableIso,
  }),
  "An organization's OpenID Connect sign-in (CONTRACT §9).",
);

export const WebhookEvent = named("WebhookEvent", z.enum([...WEBHOOK_EVENTS, "webhook.test"]));

export const WebhookEndpoint = named(
  "WebhookEndpoint",
  z.looseObject({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: iso,
  }),
);

export const WebhookDelivery = named(
  "WebhookDelivery",
  z.looseObject({
    id: z.string(),
    endpointId: z.string(),
    url: z.string().nullable(),
    event: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.int().min(0),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    lastDurationMs: z.int().min(0).nullable().describe("How long the last attempt took, in milliseconds"),
    lastResponseSnippet: z.string().nullable().describe("The first bytes of the receiver's last answer, as text"),
    redeliveryOf: z.string().nullable().describe("The delivery this one sends again, if it is a redelivery"),
    nextAttemptAt: nullableIso,
    lastAttemptAt: nullableIso,
    createdAt: iso,
    deliveredAt: nullableIso,
  }),
  "One attempt series of one event to one endpoint, signed with the endpoint's secret (Atrium-Signature).",
);

// ---- SDK API ----

export const ManifestEntry = named(
  "ManifestEntry",
  z.looseObject({
    appId: z.string(),
    name: z.string(),
    version: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.int().min(0),
    packageUrl: z.string(),
    permissions: z.array(z.string()),
    domains: z.array(z.string()),
    trial: z.literal(true).optional().describe("Present only on a trial version served to one of its testers (CONTRACT §8)."),
  }),
);

export const ManifestKeys = named(
  "ManifestKeys",
  z.looseObject({
    keys: z.array(
      z.looseObject({
        keyId: z.string(),
        alg: z.literal("Ed25519"),
        publicKey: z.string().describe("The raw 32-byte Ed25519 public key, base64url"),
        status: z.enum(["active", "retiring"]),
      }),
    ),
  }),
);

const VersionFigures = z.looseObject({
  version: z.string(),
  totals: Totals,
  retention: RangeRetention,
  platforms: z.array(z.looseObject({ key: z.string(), platform: Platform, ...totalsShape })).describe("The version's figures by platform (activeUsers: its users on each)"),
});

export const VersionComparison = named(
  "VersionComparison",
  z.looseObject({
    appId: z.string(),
    hostId: z.string().optional(),
    from: z.iso.date(),
    to: z.iso.date(),
    versions: z.array(z.string()).describe("Versions with any event in the range (and on the host), newest first"),
    a: VersionFigures.describe("The baseline"),
    b: VersionFigures.describe("Compared with the baseline: a delta is b − a"),
  }),
  "Two versions of one mini-program side by side over a range: the overview's figures under a version filter, exact, from the same rollups.",
);

export const Adoption = named(
  "Adoption",
  z.looseObject({
    appId: z.string(),
    day: z.string().describe("The last complete UTC day, YYYY-MM-DD"),
    versions: z.array(z.looseObject({ version: z.string(), users: z.int().min(0), share: z.number().min(0).max(1).nullable() })),
  }),
);

const day = z.string().describe("A UTC day, YYYY-MM-DD");

export const ErrorGroups = named(
  "ErrorGroups",
  z.looseObject({
    from: day,
    to: day,
    filters: z.looseObject({}),
    items: z.array(
      z.looseObject({
        fingerprint: z.string().describe("16 hex digits of SHA-256 of the normalised message (numbers, ids, hex, uuids and URL paths replaced)"),
        message: z.string().nullable().describe("A representative message: the least of the group's messages in the range"),
        count: z.int().min(0),
        users: z.int().min(0).describe("Distinct users with this error in the range"),
        firstSeen: iso,
        lastSeen: iso,
        versions: z.array(z.string()).describe("Versions it occurred in within the range, oldest first"),
        newInVersion: z.boolean().optional().describe("With `version` only: no earlier version of the mini-program ever had it"),
        days: z.array(z.looseObject({ day, count: z.int().min(0) })).describe("Every day of the range, 0 where none"),
      }),
    ),
  }),
  "Error events grouped by fingerprint, most frequent first (at most 100 groups).",
);

export const PageStats = named(
  "PageStats",
  z.looseObject({ from: day, to: day, filters: z.looseObject({}), items: z.array(z.looseObject({ page: z.string(), views: z.int().min(0), users: z.int().min(0) })) }),
  "page_view events by page, most viewed first (at most 500).",
);

export const CustomEventStats = named(
  "CustomEventStats",
  z.looseObject({ from: day, to: day, filters: z.looseObject({}), items: z.array(z.looseObject({ name: z.string(), count: z.int().min(0), users: z.int().min(0) })) }),
  "custom events by name, most counted first (at most 500).",
);

export const Funnel = named(
  "Funnel",
  z.looseObject({
    from: day,
    to: day,
    appId: z.string(),
    hostId: z.string().optional(),
    steps: z.array(
      z.looseObject({
        type: z.enum(["page", "event"]),
        value: z.string(),
        sessions: z.int().min(0).describe("Sessions whose events hold steps 1…n in this order"),
        users: z.int().min(0).describe("Distinct users with such a session"),
        conversion: z.number().min(0).max(1).nullable().describe("sessions / the first step's sessions; null when none reached the first step"),
      }),
    ),
  }),
);

export const Manifest = named("Manifest", z.looseObject({ hostId: z.string(), generatedAt: iso, miniPrograms: z.array(ManifestEntry) }));

export const SdkEvent = named(
  "SdkEvent",
  z.looseObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    type: z.enum(["launch", "page_view", "session_end", "error", "custom"]),
    appId: z.string(),
    version: z.string(),
    userId: z.string().min(1).max(128),
    ts: z.union([z.string(), z.int()]).describe("ISO 8601 or epoch milliseconds; at most 7 days old and 5 minutes ahead"),
    platform: Platform,
    durationMs: z.int().min(0).max(86_400_000).optional(),
    page: z.string().optional(),
    name: z.string().optional(),
    message: z.string().optional(),
  }),
  "A usage event (CONTRACT §6). Each event is checked on its own: a bad one is listed in `rejected`, the rest are kept.",
);

export const EventBatch = named("EventBatch", z.object({ events: z.array(SdkEvent).max(500) }));

export const EventsResult = named(
  "EventsResult",
  z.looseObject({
    accepted: z.int().min(0),
    duplicates: z.int().min(0),
    rejected: z.array(z.looseObject({ index: z.int().min(0), code: z.string(), message: z.string() })),
  }),
);

/** CONTRACT §12 */
export const PermissionRequest = named(
  "PermissionRequest",
  z.looseObject({
    id: z.string(),
    hostId: z.string(),
    hostName: z.string().optional(),
    appId: z.string(),
    permissions: z.array(z.string()),
    domains: z.array(z.string()),
    reason: z.string(),
    status: z.enum(PERMISSION_REQUEST_STATUSES),
    requestedBy: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: nullableIso,
    comment: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
