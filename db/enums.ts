// The value lists of the schema (roles, platforms, version states, events…) and the plain types of its JSON columns.
// This module imports nothing, so client components can use it without pulling drizzle into the browser bundle
// (db/schema.ts re-exports all of it for server code). A test in db/enums.test.ts keeps it that way.

export const ROLES = ["owner", "admin", "reviewer", "developer", "analyst"] as const;
export type Role = (typeof ROLES)[number];

export const PLATFORMS = ["ios", "android", "harmony", "windows", "macos", "linux", "web"] as const;
export type Platform = (typeof PLATFORMS)[number];
export type HostPlatform = { platform: Platform; identifier: string };
export type HostPolicy = {
  allowedPermissions: string[];
  allowedDomains: string[] | null;
  minSdkVersion: string | null;
};

export const VERSION_STATUSES = ["draft", "in_review", "approved", "rejected", "revoked"] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const REJECTION_REASONS = [
  "broken_functionality",
  "undeclared_data_collection",
  "security_risk",
  "misleading_content",
  "policy_violation",
  "other",
] as const;

// "revoke": a version the assignment holds was revoked (kill switch); "replace_stable": stable swapped directly.
export const ASSIGNMENT_ACTIONS = [
  "assign",
  "candidate",
  "rollout",
  "pause",
  "resume",
  "promote",
  "rollback",
  "unassign",
  "revoke",
  "replace_stable",
  // Release control (CONTRACT §8)
  "rules",
  "trial",
  "testers",
  "schedule",
  "guardrail",
  "step",
  "halt",
] as const;
export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

export const WEBHOOK_EVENTS = [
  "version.submitted",
  "version.approved",
  "version.rejected",
  "version.revoked",
  "assignment.changed",
  "rollout.halted",
  "release.started",
  "release.ring_started",
  "release.completed",
  "release.halted",
  "release.cancelled",
  // Insights (CONTRACT §11): once per anomaly (lib/insights/notify.ts).
  "anomaly.detected",
  "permission_request.created",
  "permission_request.approved",
  "permission_request.rejected",
  // Issue 20: every state change, so an integrator can mirror the organization (docs/webhooks.md).
  "version.uploaded",
  "version.withdrawn",
  "mini_program.created",
  "mini_program.updated",
  "mini_program.archived",
  "mini_program.restored",
  "mini_program.deleted",
  "host.created",
  "host.updated",
  "host.disabled",
  "host.enabled",
  "host.policy_changed",
  "host.secret_rotated",
  "member.added",
  "member.role_changed",
  "member.removed",
  "organization.updated",
  "organization.ownership_transferred",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const IDEMPOTENCY_STATES = ["pending", "done"] as const;

export const EVENT_TYPES = ["launch", "page_view", "session_end", "error", "custom"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// ---------------------------------------------------------------------------------------------------------
// Release control (CONTRACT §8): the shapes stored on an assignment and a release.
// ---------------------------------------------------------------------------------------------------------

/** Who may get a candidate: eligible requests (platform, SDK version), then listed users or the bucket rule. */
export type AssignmentRules = { platforms?: Platform[]; sdkVersion?: string; users?: string[] };

/** The rollout percentage moves to the next step every `everyMinutes` while not paused. */
export type RolloutSchedule = { steps: number[]; everyMinutes: number; promoteAtEnd: boolean };

/** Halts (pauses) the candidate when its error rate over the window exceeds the ceiling on enough launches. */
export type Guardrail = { maxErrorRate: number; minLaunches: number; windowMinutes: number };

export const HALTED_BY = ["guardrail", "release"] as const;
export type HaltedBy = (typeof HALTED_BY)[number];

export const RELEASE_STATUSES = ["running", "completed", "halted", "cancelled"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** CONTRACT §12: a developer's request for permissions or domains a host's policy lacks. */
export const PERMISSION_REQUEST_STATUSES = ["pending", "approved", "rejected"] as const;
export type PermissionRequestStatus = (typeof PERMISSION_REQUEST_STATUSES)[number];

export const RING_STATES = ["pending", "rolling", "completed", "halted", "cancelled"] as const;
export type RingState = (typeof RING_STATES)[number];

/** One ring of a release: its hosts, their rollout, and where it stands. */
export type ReleaseRing = {
  name: string;
  hostIds: string[];
  schedule: RolloutSchedule | null;
  guardrail: Guardrail | null;
  state: RingState;
  startedAt: string | null;
  finishedAt: string | null;
};

/** How a console session signed in (sessions.method). */
export const SESSION_METHODS = ["password", "sso"] as const;
export type SessionMethod = (typeof SESSION_METHODS)[number];
