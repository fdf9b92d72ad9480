// The one Postgres-dialect schema. Tenant tables carry `org_id` first in their primary key and in every
// unique index, so the schema can be distributed by organization (Citus) without rework;
// db/schema.test.ts enforces that. Global tables (users, organizations, sessions, login throttling and the
// credential lookup index) become Citus reference tables or stay on the coordinator.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  ROLES,
  PLATFORMS,
  VERSION_STATUSES,
  ASSIGNMENT_ACTIONS,
  WEBHOOK_DELIVERY_STATUSES,
  IDEMPOTENCY_STATES,
  EVENT_TYPES,
  HALTED_BY,
  RELEASE_STATUSES,
  PERMISSION_REQUEST_STATUSES,
  SESSION_METHODS,
  type AssignmentRules,
  type Guardrail,
  type HostPlatform,
  type HostPolicy,
  type ReleaseRing,
  type RolloutSchedule,
} from "./enums";

// The value lists live in db/enums.ts, which imports nothing: client components take them from there, so drizzle
// never reaches the browser. They are re-exported here for the server code that reads both.
export * from "./enums";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => ts("created_at").notNull().defaultNow();

// ---------------------------------------------------------------------------------------------------------
// Global tables
// ---------------------------------------------------------------------------------------------------------

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  disabledAt: ts("disabled_at"),
  createdAt: createdAt(),
  // Two-factor authentication (TOTP, RFC 6238; issue 15 item 4). Secrets are encrypted like SDK secrets.
  /** The confirmed secret; null: two-factor is off. */
  totpSecretEnc: text("totp_secret_enc"),
  /** A secret being enrolled, until the person confirms it with a code. */
  totpPendingEnc: text("totp_pending_enc"),
  totpEnabledAt: ts("totp_enabled_at"),
  /** The last time step a code was accepted for: a code is never accepted twice. */
  totpLastStep: bigint("totp_last_step", { mode: "number" }),
  /** The person's own language and theme (issue 20 item 2), applied at sign-in; null: the browser's cookie decides. */
  locale: text("locale"),
  theme: text("theme"),
});

export const organizations = pgTable("organizations", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: createdAt(),
  /** Members who sign in with a password must have two-factor authentication (issue 15 item 4). */
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  /**
   * Deleted (issue 20 item 1): its data is gone and its slug freed, but the row stays as the audit log's anchor, since
   * the audit log is append-only (migration 0004) and keeps the record of what happened, deletion included.
   */
  deletedAt: ts("deleted_at"),
});

/**
 * An organization's former slugs (issue 20 item 1): `/o/<old>/…` redirects a member to `/o/<current>/…`. The primary
 * key on the slug keeps a former slug from being taken by another organization, so an old link never lands in
 * someone else's tenant. Looked up by slug before the organization is known, like sso_domains.
 */
export const organizationSlugHistory = pgTable(
  "organization_slug_history",
  {
    slug: text("slug").primaryKey(),
    orgId: text("org_id").notNull().references(() => organizations.id),
    createdAt: createdAt(),
  },
  (t) => [index("organization_slug_history_org_idx").on(t.orgId)],
);

/** A signed-in browser. The JWT carries only this id; every request checks the row, so sign-out is immediate. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id),
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** How this browser signed in: a password, or an organization's identity provider (CONTRACT §9). */
    method: text("method", { enum: SESSION_METHODS }).notNull().default("password"),
    /** For a single sign-on session, the organization whose provider signed it in. */
    ssoOrgId: text("sso_org_id"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Single-use recovery codes for two-factor authentication, stored only as SHA-256 hashes. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    userId: text("user_id").notNull().references(() => users.id),
    codeHash: text("code_hash").notNull(),
    createdAt: createdAt(),
    usedAt: ts("used_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * Password reset tokens (issue 20 item 2): by email ("Forgot password?") or a link an owner or admin issued for a
 * member. Like invitations: only the SHA-256 of the secret is kept, single use (used_at), 30 minutes. A person's,
 * not an organization's (a reset works for every organization they belong to); issued_org_id says who issued a link.
 */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id),
    tokenHash: text("token_hash").notNull(),
    kind: text("kind", { enum: ["email", "admin"] }).notNull(),
    issuedOrgId: text("issued_org_id"),
    issuedBy: text("issued_by"),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/** Failed sign-in counters, keyed by account, by client address, and by the pair. */
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  lastFailureAt: ts("last_failure_at").notNull(),
  blockedUntil: ts("blocked_until"),
});

/**
 * Looks a presented credential up without knowing its organization: an API token's SHA-256, or a host's
 * public SDK key. Small and written rarely, so a reference table under Citus.
 */
export const credentialIndex = pgTable("credential_index", {
  lookup: text("lookup").primaryKey(),
  kind: text("kind", { enum: ["api_token", "sdk_key"] }).notNull(),
  orgId: text("org_id").notNull(),
  refId: text("ref_id").notNull(),
});

/**
 * Which organization signs in each email domain through its identity provider (CONTRACT §9). Looked up by domain
 * before anyone is known, like the credential index; the primary key on the domain is what makes two organizations
 * unable to claim one, also when two saves race. Written only with the organization's SSO settings.
 */
export const ssoDomains = pgTable(
  "sso_domains",
  {
    domain: text("domain").primaryKey(),
    orgId: text("org_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sso_domains_org_idx").on(t.orgId)],
);

// ---------------------------------------------------------------------------------------------------------
// Tenant tables: organization first in every key
// ---------------------------------------------------------------------------------------------------------

export const memberships = pgTable(
  "memberships",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    userId: text("user_id").notNull().references(() => users.id),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    acceptedBy: text("accepted_by"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    name: text("name").notNull(),
    /** `role`: acts with the user's role; `developer`: never more than developer rights. */
    scope: text("scope", { enum: ["role", "developer"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    /** First characters, so a person can tell tokens apart. */
    hint: text("hint").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index("api_tokens_user_idx").on(t.orgId, t.userId)],
);

/** Append-only: no code path updates or deletes a row; on PostgreSQL a trigger refuses it too. */
export const auditLog = pgTable(
  "audit_log",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    /** Time-ordered id: newest first is `ORDER BY id DESC`, and the id is the cursor. */
    id: text("id").notNull(),
    at: ts("at").notNull().defaultNow(),
    actorType: text("actor_type", { enum: ["user", "token", "sdk", "system"] }).notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id"),
    ip: text("ip"),
    changes: jsonb("changes").$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("audit_log_action_idx").on(t.orgId, t.action, t.id),
    index("audit_log_object_idx").on(t.orgId, t.objectType, t.objectId),
  ],
);

export const hostApps = pgTable(
  "host_apps",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    icon: text("icon"),
    status: text("status", { enum: ["active", "disabled"] }).notNull().default("active"),
    platforms: jsonb("platforms").$type<HostPlatform[]>().notNull(),
    policy: jsonb("policy").$type<HostPolicy>().notNull(),
    /** The host app's URL scheme for deep links (`<scheme>://mini-program/<appId>?trial=<versionId>`); null: none. */
    urlScheme: text("url_scheme"),
    sdkKey: text("sdk_key").notNull(),
    /** AES-256-GCM ciphertext of the SDK secret (lib/crypto/secrets.ts). */
    secretEnc: text("secret_enc").notNull(),
    previousSecretEnc: text("previous_secret_enc"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    secretRotatedAt: ts("secret_rotated_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex("host_apps_sdk_key_uq").on(t.orgId, t.sdkKey)],
);

export const miniPrograms = pgTable(
  "mini_programs",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    appId: text("app_id").notNull(),
    name: text("name").notNull(),
    category: text("category").notNull().default("other"),
    description: text("description").notNull().default(""),
    icon: text("icon"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    /** Issue 20: archived mini-programs are off every manifest, read-only, and can be restored. */
    archivedAt: ts("archived_at"),
    archivedBy: text("archived_by"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex("mini_programs_app_id_uq").on(t.orgId, t.appId)],
);

export const collaborators = pgTable(
  "collaborators",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    miniProgramId: text("mini_program_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    addedBy: text("added_by"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.miniProgramId, t.userId] }),
    index("collaborators_user_idx").on(t.orgId, t.userId),
  ],
);

export const versions = pgTable(
  "versions",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    miniProgramId: text("mini_program_id").notNull(),
    appId: text("app_id").notNull(),
    version: text("version").notNull(),
    status: text("status", { enum: VERSION_STATUSES }).notNull().default("draft"),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    manifest: jsonb("manifest").$type<Record<string, unknown>>().notNull(),
    inspection: jsonb("inspection").$type<Record<string, unknown>>().notNull(),
    uploadedBy: text("uploaded_by").notNull(),
    createdAt: createdAt(),
    submittedAt: ts("submitted_at"),
    decidedAt: ts("decided_at"),
    claimedBy: text("claimed_by"),
    claimedAt: ts("claimed_at"),
    revokedAt: ts("revoked_at"),
    revokeReason: text("revoke_reason"),
    /** Release notes, Markdown, at most 10 KiB (CONTRACT §13); editable while draft or in review. */
    notes: text("notes").notNull().default(""),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("versions_app_version_uq").on(t.orgId, t.miniProgramId, t.version),
    index("versions_status_idx").on(t.orgId, t.status, t.submittedAt),
  ],
);

export const reviews = pgTable(
  "reviews",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    versionId: text("version_id").notNull(),
    decision: text("decision", { enum: ["approved", "rejected"] }).notNull(),
    reasons: jsonb("reasons").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    comment: text("comment").notNull().default(""),
    reviewerId: text("reviewer_id").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index("reviews_version_idx").on(t.orgId, t.versionId)],
);

export const assignments = pgTable(
  "assignments",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    hostId: text("host_id").notNull(),
    miniProgramId: text("mini_program_id").notNull(),
    appId: text("app_id").notNull(),
    stableVersionId: text("stable_version_id").notNull(),
    previousStableVersionId: text("previous_stable_version_id"),
    candidateVersionId: text("candidate_version_id"),
    rolloutPercent: integer("rollout_percent").notNull().default(0),
    paused: boolean("paused").notNull().default(false),
    // Release control (CONTRACT §8).
    /** Who is eligible for the candidate; null: everyone, by bucket. */
    rules: jsonb("rules").$type<AssignmentRules>(),
    /** A version only `testers` get (draft, in review or approved); dropped when rejected or revoked. */
    trialVersionId: text("trial_version_id"),
    testers: jsonb("testers").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    schedule: jsonb("schedule").$type<RolloutSchedule>(),
    /** When the schedule's next step is due; null when there is no schedule or it has finished. */
    nextStepAt: ts("next_step_at"),
    guardrail: jsonb("guardrail").$type<Guardrail>(),
    /**
     * The guardrail counts events from here at the earliest: set when the guardrail or the candidate is set and when
     * a person resumes a halt, so a resumed rollout is judged on what happened after the resume.
     */
    guardrailSince: ts("guardrail_since"),
    /** Set when the system paused the rollout (a guardrail); cleared when a person resumes it. */
    haltedBy: text("halted_by", { enum: HALTED_BY }),
    haltReason: text("halt_reason"),
    haltedAt: ts("halted_at"),
    /** The release this assignment's candidate is part of, if any. */
    releaseId: text("release_id"),
    /** Bumped by every change; optimistic concurrency for racing edits. */
    revision: bigint("revision", { mode: "number" }).notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("assignments_host_app_uq").on(t.orgId, t.hostId, t.miniProgramId),
    // The job runner's two scans (lib/release/runner.ts): due schedule steps, and watched candidates.
    index("assignments_next_step_idx").on(t.nextStepAt).where(sql`${t.nextStepAt} IS NOT NULL`),
    index("assignments_guardrail_idx").on(t.orgId).where(sql`${t.guardrail} IS NOT NULL AND ${t.candidateVersionId} IS NOT NULL`),
  ],
);

/**
 * A release (CONTRACT §8, issue 14): one version of a mini-program rolled across rings of hosts in order, each
 * ring with its own schedule and guardrail; the next ring starts only when the previous finished without a halt.
 */
export const releases = pgTable(
  "releases",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    miniProgramId: text("mini_program_id").notNull(),
    appId: text("app_id").notNull(),
    versionId: text("version_id").notNull(),
    version: text("version").notNull(),
    status: text("status", { enum: RELEASE_STATUSES }).notNull().default("running"),
    rings: jsonb("rings").$type<ReleaseRing[]>().notNull(),
    /** The ring rolling now (or the last one, once finished). */
    currentRing: integer("current_ring").notNull().default(0),
    haltReason: text("halt_reason"),
    createdBy: text("created_by"),
    createdByLabel: text("created_by_label"),
    revision: bigint("revision", { mode: "number" }).notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("releases_app_idx").on(t.orgId, t.appId, t.id),
    index("releases_running_idx").on(t.status).where(sql`${t.status} = 'running'`),
  ],
);

/**
 * A permission request (CONTRACT §12, issue 17): someone who may upload a mini-program asks a host app for the
 * permissions and domains its policy lacks. Deciding is a conditional update on `status = 'pending'`; approving
 * also widens the host's policy in the same transaction.
 */
export const permissionRequests = pgTable(
  "permission_requests",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    hostId: text("host_id").notNull(),
    miniProgramId: text("mini_program_id").notNull(),
    appId: text("app_id").notNull(),
    permissions: jsonb("permissions").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    domains: jsonb("domains").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    reason: text("reason").notNull().default(""),
    status: text("status", { enum: PERMISSION_REQUEST_STATUSES }).notNull().default("pending"),
    requestedBy: text("requested_by").notNull(),
    requestedByLabel: text("requested_by_label"),
    decidedBy: text("decided_by"),
    decidedByLabel: text("decided_by_label"),
    decidedAt: ts("decided_at"),
    comment: text("comment").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("permission_requests_host_idx").on(t.orgId, t.hostId, t.id),
    index("permission_requests_pending_idx").on(t.orgId, t.status).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * The timeline of an assignment: one row per change, written in the change's transaction. Rows outlive an
 * unassign (the assignment row is deleted), so `host_id` and `app_id` are copied here.
 */
export const assignmentEvents = pgTable(
  "assignment_events",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    /** Time-ordered: the timeline is `ORDER BY id`. */
    id: text("id").notNull(),
    assignmentId: text("assignment_id").notNull(),
    hostId: text("host_id").notNull(),
    appId: text("app_id").notNull(),
    action: text("action", { enum: ASSIGNMENT_ACTIONS }).notNull(),
    from: jsonb("from").$type<Record<string, unknown>>(),
    to: jsonb("to").$type<Record<string, unknown>>(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label"),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("assignment_events_assignment_idx").on(t.orgId, t.assignmentId, t.id),
    index("assignment_events_host_idx").on(t.orgId, t.hostId, t.id),
  ],
);

/**
 * One counter per organization, bumped in the same transaction as anything that changes what a manifest
 * serves (assignments, a version's revocation). Every server instance re-reads it at most once a second and
 * drops its cached manifest snapshots when it moved (lib/sdk-server/snapshot.ts).
 */
export const manifestRevisions = pgTable(
  "manifest_revisions",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    revision: bigint("revision", { mode: "number" }).notNull().default(0),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId] })],
);

/**
 * Signatures of signed SDK writes seen within their 300 s window (lib/sdk-server/replay.ts): a replayed
 * request is refused in every server process, not only the one that saw it first. Rows expire with the window.
 */
export const sdkSeenSignatures = pgTable(
  "sdk_seen_signatures",
  {
    orgId: text("org_id").notNull(),
    hostId: text("host_id").notNull(),
    signature: text("signature").notNull(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.hostId, t.signature] })],
);

/**
 * An organization's OpenID Connect sign-in (CONTRACT §9, issue 15): one row per organization while it is on.
 * The client secret is encrypted like SDK secrets (lib/crypto/secrets.ts); the claimed domains live here for
 * reading and in sso_domains for the lookup, written in one transaction.
 */
export const ssoConnections = pgTable(
  "sso_connections",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecretEnc: text("client_secret_enc").notNull(),
    domains: jsonb("domains").$type<string[]>().notNull(),
    defaultRole: text("default_role", { enum: ROLES }).notNull(),
    /** Members sign in only through the provider; owners keep their password as a way back in. */
    enforced: boolean("enforced").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    updatedBy: text("updated_by"),
  },
  (t) => [primaryKey({ columns: [t.orgId] })],
);

/**
 * Ed25519 keys that sign manifests (CONTRACT §13), one organization's set: one `active` key signs; after a
 * rotation the previous one is `retiring` until `retiring_until` (still listed, so SDKs holding a manifest it signed
 * can verify it), then it is dropped from the list. The private key is PKCS#8 DER encrypted like SDK secrets.
 */
export const manifestSigningKeys = pgTable(
  "manifest_signing_keys",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    status: text("status", { enum: ["active", "retiring"] }).notNull(),
    /** Raw 32-byte Ed25519 public key, base64url. */
    publicKey: text("public_key").notNull(),
    /** AES-256-GCM ciphertext (lib/crypto/secrets.ts) of the base64url PKCS#8 DER private key. */
    privateKeyEnc: text("private_key_enc").notNull(),
    createdAt: createdAt(),
    retiringUntil: ts("retiring_until"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // One active key per organization, also when two first manifests race to create it.
    uniqueIndex("manifest_signing_keys_active_uq").on(t.orgId).where(sql`status = 'active'`),
  ],
);

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** Event names this endpoint receives; names stay text so later events need no migration. */
    events: jsonb("events").$type<string[]>().notNull(),
    /** AES-256-GCM ciphertext of the signing secret (lib/crypto/secrets.ts): it is needed again to sign. */
    secretEnc: text("secret_enc").notNull(),
    active: boolean("active").notNull().default(true),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When the dispatcher may try next; while an attempt runs, a lease that keeps other dispatchers off. */
    nextAttemptAt: ts("next_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastAttemptAt: ts("last_attempt_at"),
    /** How long the last attempt took, from connect to the answer's end (or the failure). */
    lastDurationMs: integer("last_duration_ms"),
    /** The first bytes of the receiver's last answer, as text, whatever its status: what a person debugs with. */
    lastResponseSnippet: text("last_response_snippet"),
    /** The delivery this one sends again (redeliver), or null. */
    redeliveryOf: text("redelivery_of"),
    createdAt: createdAt(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("webhook_deliveries_endpoint_idx").on(t.orgId, t.endpointId, t.id),
    // The dispatcher looks across organizations for due work.
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

export const NOTIFICATION_EMAIL_STATES = ["none", "pending", "sent", "failed"] as const;

/**
 * A person's inbox in one organization (issue 17 item 5): one row per recipient of an event that concerns them,
 * written in the event's own transaction (lib/services/notifications.ts). `params` holds what the text needs, `href`
 * the console path under /o/<org>/ it links to. With SMTP configured, `email_state` is `pending` until the mailer
 * has sent it.
 */
export const notifications = pgTable(
  "notifications",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    id: text("id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    event: text("event").notNull(),
    params: jsonb("params").$type<Record<string, string | number | null>>().notNull(),
    href: text("href").notNull(),
    createdAt: createdAt(),
    readAt: ts("read_at"),
    emailState: text("email_state", { enum: NOTIFICATION_EMAIL_STATES }).notNull().default("none"),
    emailAttempts: integer("email_attempts").notNull().default(0),
    /** While pending: not before this time (a retry's wait, or another mailer's lease). */
    emailNextAt: ts("email_next_at"),
    emailedAt: ts("emailed_at"),
    emailError: text("email_error"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("notifications_inbox_idx").on(t.orgId, t.userId, t.id),
    index("notifications_unread_idx").on(t.orgId, t.userId).where(sql`read_at is null`),
    // The mailer looks across organizations for what is still to send.
    index("notifications_email_idx").on(t.emailNextAt).where(sql`email_state = 'pending'`),
  ],
);

export type Notification = typeof notifications.$inferSelect;

/**
 * Idempotency-Key records of /api/v1 POSTs (CONTRACT §10), per API token, kept 24 hours. A row is inserted
 * `pending` in its own statement before the request runs (the primary key makes a concurrent twin lose), and
 * holds the first answer once it is `done`.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    orgId: text("org_id").notNull().references(() => organizations.id),
    tokenId: text("token_id").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path with query, and the raw body: the same key with another request is a conflict. */
    fingerprint: text("fingerprint").notNull(),
    state: text("state", { enum: IDEMPOTENCY_STATES }).notNull().default("pending"),
    responseStatus: integer("response_status"),
    responseContentType: text("response_content_type"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.tokenId, t.key] }), index("idempotency_keys_expiry_idx").on(t.expiresAt)],
);

export type NewUser = typeof users.$inferInsert;
export type User = typeof users.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type HostApp = typeof hostApps.$inferSelect;
export type MiniProgram = typeof miniPrograms.$inferSelect;
export type Version = typeof versions.$inferSelect;
export type Review = typeof reviews.$inferSelect;
export type Assignment = typeof assignments.$inferSelect;
export type AssignmentEvent = typeof assignmentEvents.$inferSelect;
export type Release = typeof releases.$inferSelect;
export type PermissionRequest = typeof permissionRequests.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type SsoConnection = typeof ssoConnections.$inferSelect;
export type Session = typeof sessions.$inferSelect;

/**
 * Tables that are not per organization (see the file's first comment). organization_slug_history is a directory,
 * like organizations itself: a URL's old slug is looked up before the organization is known (a Citus reference table).
 * password_resets belongs to a person, like sessions (a link an admin issued records its organization, not its key).
 */
export const GLOBAL_TABLES = ["users", "organizations", "organization_slug_history", "sessions", "password_resets", "login_throttle", "credential_index", "sso_domains", "recovery_codes"] as const;

// ---------------------------------------------------------------------------------------------------------
// Analytics (CONTRACT §6, §7): raw events plus rollups that answer every figure exactly for any range and
// any combination of host, mini-program, version and platform, without reading raw events.
// Ingestion writes the raw rows and their rollups in one statement, so a figure never counts an event that
// is not stored, nor misses one that is. No foreign keys: every ingested batch would pay for their checks,
// and the ingestion path already knows the host (verified) and the mini-program (assigned).
// ---------------------------------------------------------------------------------------------------------

/** Every accepted event, once: the (org, host, id) key is what makes a resent batch count as duplicates. */
export const events = pgTable(
  "events",
  {
    orgId: text("org_id").notNull(),
    hostId: text("host_id").notNull(),
    id: text("id").notNull(),
    type: text("type", { enum: EVENT_TYPES }).notNull(),
    appId: text("app_id").notNull(),
    version: text("version").notNull(),
    userId: text("user_id").notNull(),
    platform: text("platform", { enum: PLATFORMS }).notNull(),
    ts: ts("ts").notNull(),
    durationMs: integer("duration_ms"),
    page: text("page"),
    name: text("name"),
    message: text("message"),
    /** error events: errorFingerprint(message) (lib/analytics/fingerprint.ts), set at ingest; null on other types. */
    fingerprint: text("fingerprint"),
    receivedAt: ts("received_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.hostId, t.id] }),
    // A rollout's guardrail (lib/release/figures.ts guardrailCounts): its candidate's launches and errors on one host
    // over the window, read exactly from raw events every pass. Only launches and errors are kept (about a quarter of
    // all events), and nothing else of the mini-program's other hosts, versions and types is read. It replaced
    // (org_id, ts), which nothing but the guardrail and the rollout figures read, both for one mini-program: one
    // index fewer to write per event.
    index("events_guard_idx").on(t.orgId, t.appId, t.hostId, t.version, t.ts).where(sql`type IN ('launch', 'error')`),
    // One mini-program's events over a range (the funnel, lib/analytics/queries/funnel-events.ts): without it the
    // funnel reads every event of the organization in the range, however many mini-programs it has.
    index("events_app_ts_idx").on(t.orgId, t.appId, t.ts),
    // Error events stored before fingerprints existed, for the backfill (lib/analytics/queries/backfill-fingerprints.ts):
    // empty once it has run, so it costs nothing afterwards.
    index("events_unfingerprinted_idx").on(t.orgId).where(sql`type = 'error' AND fingerprint IS NULL`),
  ],
);

/**
 * Additive counters per UTC day and finest dimension combination. Sums over any subset of rows are exact,
 * so launches, sessions, errors and the session-length sum for any filter and range add up from here.
 */
export const dailyStats = pgTable(
  "daily_stats",
  {
    orgId: text("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform", { enum: PLATFORMS }).notNull(),
    events: integer("events").notNull().default(0),
    launches: integer("launches").notNull().default(0),
    pageViews: integer("page_views").notNull().default(0),
    sessions: integer("sessions").notNull().default(0),
    sessionMs: bigint("session_ms", { mode: "number" }).notNull().default(0),
    errors: integer("errors").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.appId, t.hostId, t.version, t.platform] })],
);

/**
 * Who was active: one row per user, UTC day and dimension combination. Distinct counts are not additive,
 * so active users, MAU and distinct totals are counted from this set (never from sums of daily counts);
 * it is far smaller than the raw events, since a user's many events a day collapse into one row.
 */
export const dailyUsers = pgTable(
  "daily_users",
  {
    orgId: text("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform", { enum: PLATFORMS }).notNull(),
    userId: text("user_id").notNull(),
  },
  // Every reader (active users, MAU, retention, breakdowns) scans one organization's day range: the key's prefix.
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.appId, t.hostId, t.version, t.platform, t.userId] })],
);

/** Raw bytes (PostgreSQL bytea): a serialized bitmap. Both drivers hand back a Uint8Array (a Buffer on postgres-js). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * The distinct-set rollups' dictionary: each end user of an organization numbered densely from 0, so a set of
 * users is a compact bitmap of small integers. Assigned only by the background fold (lib/analytics/user-set-folder.ts)
 * and by rebuilds, never at ingestion; `org_user_counters` hands out the next numbers.
 */
export const orgUsers = pgTable(
  "org_users",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    uid: integer("uid").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), uniqueIndex("org_users_uid_idx").on(t.orgId, t.uid)],
);

export const orgUserCounters = pgTable(
  "org_user_counters",
  {
    orgId: text("org_id").notNull(),
    next: integer("next").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId] })],
);

/**
 * Per UTC day, the set of active users (a roaring bitmap of `org_users.uid`, portable format) at the finest
 * dimension combination, for filtered reads, and at coarser grains where '' stands for "any": (app, '',
 * version, '') for the mini-program and version breakdowns, ('', host, '', '') and ('', '', '', platform) for the
 * host and platform breakdowns, ('', '', '', '') for the whole organization. A 90-day unfiltered overview reads
 * a few rows per day instead of every user-day; distinct counts over any range are unions of them.
 */
export const dailyUserSets = pgTable(
  "daily_user_sets",
  {
    orgId: text("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform").notNull(),
    users: bytea("users").notNull(),
    /**
     * This version of the row: a fresh random id each time a fold or rebuild writes it, never reused (in any
     * database), so a server process may keep the bytes of a version it read and ask only for versions it lacks
     * (lib/analytics/set-cache.ts).
     */
    rev: uuid("rev").notNull().defaultRandom(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.day, t.appId, t.hostId, t.version, t.platform] }),
    // The unfiltered overview reads only the coarse rows (a few per day among hundreds of finest ones).
    index("daily_user_sets_coarse_idx").on(t.orgId, t.day).where(sql`${t.appId} = '' OR ${t.hostId} = ''`),
  ],
);

/**
 * The distinct-set rollups' delta store: each user-day ingestion adds to daily_users, appended by the same
 * statement (no lock on any shared row). The background fold numbers their users, ORs them into daily_user_sets
 * and deletes them, in one transaction; readers union the bitmaps with the rows still pending, in one snapshot,
 * so every figure is exact whether or not a fold has run. `seq` orders the folds (oldest first).
 */
export const pendingUserDays = pgTable(
  "pending_user_days",
  {
    orgId: text("org_id").notNull(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    day: date("day", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform").notNull(),
    userId: text("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.seq] })],
);

/**
 * Each user's first launch of each mini-program (the earliest by timestamp, then host and event id), with
 * where it happened: the retention cohorts. A late event with an earlier launch moves it back.
 */
export const firstLaunches = pgTable(
  "first_launches",
  {
    orgId: text("org_id").notNull(),
    appId: text("app_id").notNull(),
    userId: text("user_id").notNull(),
    ts: ts("ts").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    hostId: text("host_id").notNull(),
    eventId: text("event_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform", { enum: PLATFORMS }).notNull(),
    /**
     * The day under which the user sits in daily_cohort_sets; null until the background fold has put them there.
     * Ingestion sets `day` and never this, so a new first launch, or one moved to an earlier day by a late event,
     * differs from it until the next fold: readers correct the bitmaps with exactly those rows (the partial index).
     */
    foldedDay: date("folded_day", { mode: "string" }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.appId, t.userId] }),
    index("first_launches_day_idx").on(t.orgId, t.day),
    index("first_launches_unfolded_idx").on(t.orgId).where(sql`${t.foldedDay} IS DISTINCT FROM ${t.day}`),
  ],
);

/**
 * Per UTC day and mini-program, the users whose first launch of it fell on that day (first_launches, folded): the
 * retention cohorts as roaring bitmaps of `org_users.uid`, so a 90-day retention reads a row per mini-program and
 * day instead of one per first launch. Unfiltered and developer-scoped reads use them; a host, version or platform
 * filter (which picks cohorts by where the first launch happened) reads first_launches.
 */
export const dailyCohortSets = pgTable(
  "daily_cohort_sets",
  {
    orgId: text("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    users: bytea("users").notNull(),
    /** As daily_user_sets.rev. */
    rev: uuid("rev").notNull().defaultRandom(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.appId] })],
);

/**
 * Per ISO week (`week` is its Monday, UTC) the union of the week's day sets at the three coarse breakdown grains of
 * daily_user_sets: (app, '', version, ''), ('', host, '', '') and ('', '', '', platform). A range's distinct users
 * per breakdown value are the union of its whole weeks' rows and its loose days' rows: a 90-day overview reads
 * about 24 rows per value instead of 90. Written by the same fold transaction (and rebuild) as the day rows.
 */
export const weeklyUserSets = pgTable(
  "weekly_user_sets",
  {
    orgId: text("org_id").notNull(),
    week: date("week", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform").notNull(),
    users: bytea("users").notNull(),
    /** As daily_user_sets.rev. */
    rev: uuid("rev").notNull().defaultRandom(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.week, t.appId, t.hostId, t.version, t.platform] })],
);

/**
 * Per mini-program and cohort day, D1/D7 retention of the folded sets: the cohort's size (daily_cohort_sets) and how
 * many of it were active in the mini-program on day d+1 and d+7 (daily_user_sets). The fold that changes a cohort or
 * an active day recomputes the rows it touches in its transaction; readers take these and recompute only the
 * cohorts that user-days or first launches still pending would change, so every figure stays exact.
 */
export const dailyRetention = pgTable(
  "daily_retention",
  {
    orgId: text("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    appId: text("app_id").notNull(),
    cohort: integer("cohort").notNull(),
    d1: integer("d1").notNull(),
    d7: integer("d7").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.appId] })],
);

/** What a keyed rollup row counts: page views by page, custom events by name, errors by fingerprint. */
export const EVENT_KEY_KINDS = ["page", "event", "error"] as const;
export type EventKeyKind = (typeof EVENT_KEY_KINDS)[number];

/**
 * Additive counters per UTC day, finest dimension combination and key (a page, a custom event's name, an error's
 * fingerprint): counts, first and last timestamps (min and max merge exactly) and, for errors, a sample message
 * (the least one, which also merges exactly). The key comes first after the app: every reader asks for one
 * mini-program's pages, events or errors over a day range.
 */
export const dailyKeys = pgTable(
  "daily_keys",
  {
    orgId: text("org_id").notNull(),
    appId: text("app_id").notNull(),
    kind: text("kind", { enum: EVENT_KEY_KINDS }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    key: text("key").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform", { enum: PLATFORMS }).notNull(),
    count: integer("count").notNull().default(0),
    firstTs: ts("first_ts").notNull(),
    lastTs: ts("last_ts").notNull(),
    sample: text("sample"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.appId, t.kind, t.day, t.key, t.hostId, t.version, t.platform] })],
);

/** Who hit each key: one row per user, day, dimension combination and key, so "users" stays an exact distinct count. */
export const dailyKeyUsers = pgTable(
  "daily_key_users",
  {
    orgId: text("org_id").notNull(),
    appId: text("app_id").notNull(),
    kind: text("kind", { enum: EVENT_KEY_KINDS }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    key: text("key").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    platform: text("platform", { enum: PLATFORMS }).notNull(),
    userId: text("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.appId, t.kind, t.day, t.key, t.hostId, t.version, t.platform, t.userId] })],
);

/**
 * Who hit each key, as sets: per mini-program, kind, UTC day and key, a roaring bitmap of `org_users.uid` of the users
 * who hit it that day on any host, version or platform. An unfiltered read of a mini-program's pages, events or
 * errors over 90 days unions about 90 small bitmaps per key instead of reading a daily_key_users row per user, day,
 * dimension combination and key (most page views are a user's only view of that page that day, so that table is
 * nearly as long as the events). Written only by the background fold and by rebuilds. (No `rev`: no process keeps
 * these bytes between reads, as lib/analytics/set-cache.ts keeps the day sets'.)
 */
export const dailyKeySets = pgTable(
  "daily_key_sets",
  {
    orgId: text("org_id").notNull(),
    appId: text("app_id").notNull(),
    kind: text("kind", { enum: EVENT_KEY_KINDS }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    key: text("key").notNull(),
    users: bytea("users").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.appId, t.kind, t.day, t.key] })],
);

/**
 * daily_key_sets' delta store, as pending_user_days is daily_user_sets': each (mini-program, kind, day, key, user)
 * that ingestion adds to daily_key_users for the first time at some dimension combination is appended here by the
 * same statement; the fold numbers the users, ORs them into the day's key bitmap and deletes the rows, in one
 * transaction. Readers union the bitmaps with the rows still pending, in one snapshot.
 */
export const pendingKeyUsers = pgTable(
  "pending_key_users",
  {
    orgId: text("org_id").notNull(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    appId: text("app_id").notNull(),
    kind: text("kind", { enum: EVENT_KEY_KINDS }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    key: text("key").notNull(),
    userId: text("user_id").notNull(),
  },
  // No other index: ingestion pays for each, and the fold keeps it short (readers take the organization's rows by the key).
  (t) => [primaryKey({ columns: [t.orgId, t.seq] })],
);

export type AnalyticsEvent = typeof events.$inferSelect;
export type DailyStatsRow = typeof dailyStats.$inferSelect;

// ---------------------------------------------------------------------------------------------------------
// Insights (CONTRACT §11)
// ---------------------------------------------------------------------------------------------------------

/**
 * Anomalies already announced to webhooks (`anomaly.detected`): one row per organization, host, mini-program,
 * metric and day, inserted in the transaction that queues the deliveries, so each anomaly is sent at most once
 * whichever server process finds it first.
 */
export const anomalyNotifications = pgTable(
  "anomaly_notifications",
  {
    orgId: text("org_id").notNull(),
    hostId: text("host_id").notNull(),
    appId: text("app_id").notNull(),
    metric: text("metric").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    value: doublePrecision("value").notNull(),
    expected: doublePrecision("expected").notNull(),
    score: doublePrecision("score").notNull(),
    sentAt: ts("sent_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.hostId, t.appId, t.metric, t.day] })],
);

// ---------------------------------------------------------------------------------------------------------
// Listing and privacy (issue 17 item 4)
// ---------------------------------------------------------------------------------------------------------

/** A mini-program's icon (at most one) and screenshots (at most five), their bytes in the blob store. */
export const miniProgramMedia = pgTable(
  "mini_program_media",
  {
    orgId: text("org_id").notNull(),
    id: text("id").notNull(),
    miniProgramId: text("mini_program_id").notNull(),
    kind: text("kind", { enum: ["icon", "screenshot"] }).notNull(),
    position: integer("position").notNull().default(0),
    sha256: text("sha256").notNull(),
    mime: text("mime").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("mini_program_media_mp_idx").on(t.orgId, t.miniProgramId),
    index("mini_program_media_sha_idx").on(t.sha256),
  ],
);
export type MiniProgramMedia = typeof miniProgramMedia.$inferSelect;

/** What personal data a mini-program collects under each permission, and why. */
export type PrivacyRow = { permission: string; data: string; purpose: string };

export const miniProgramPrivacy = pgTable(
  "mini_program_privacy",
  {
    orgId: text("org_id").notNull(),
    miniProgramId: text("mini_program_id").notNull(),
    rows: jsonb("rows").$type<PrivacyRow[]>().notNull(),
    updatedBy: text("updated_by"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.miniProgramId] })],
);
