// The one permission table: CONTRACT §1, row for row. Every server action and route handler checks it
// through `authorize` (lib/authz/context.ts); the UI only uses it to hide what a role cannot do.
import type { Role } from "@/db/schema";

export const PERMISSIONS = {
  /** Read host apps, mini-programs, versions, assignments (developers: mini-programs they collaborate on). */
  "catalog.read": ["owner", "admin", "reviewer", "developer", "analyst"],
  /** Invite, change role, remove (admins: not owners). */
  "members.manage": ["owner", "admin"],
  "members.read": ["owner", "admin", "reviewer", "developer", "analyst"],
  /** Register, edit, disable, rotate SDK secret, capability policy. */
  "hosts.manage": ["owner", "admin"],
  /** Create mini-programs; upload, submit, withdraw versions (developers: where they collaborate). */
  "miniPrograms.write": ["owner", "admin", "developer"],
  /**
   * Archive, restore, delete a mini-program (issue 20). Owners and admins only, not its developers: archiving takes it
   * off every host at once, an organization-wide decision like revoking, and deleting cannot be undone.
   */
  "miniPrograms.lifecycle": ["owner", "admin"],
  /** Add or remove collaborators. */
  "collaborators.manage": ["owner", "admin"],
  /** Approve, reject (never one's own upload). */
  "review.decide": ["owner", "admin", "reviewer"],
  /** Assign, roll out, pause, promote, roll back, unassign. */
  "assignments.manage": ["owner", "admin"],
  /** Kill switch. */
  "versions.revoke": ["owner", "admin", "reviewer"],
  /** View and export analytics (developers: their mini-programs). */
  "analytics.view": ["owner", "admin", "reviewer", "developer", "analyst"],
  "audit.view": ["owner", "admin"],
  /** Create and revoke API tokens (developers: their own, developer scope only). */
  "tokens.manage": ["owner", "admin", "developer"],
  /** Organization settings and webhooks. */
  "settings.manage": ["owner", "admin"],
  /** Rename the organization (issue 20 item 1). */
  "organization.rename": ["owner", "admin"],
  /** Change the organization's slug, transfer its ownership, delete it (an empty one). */
  "organization.manage": ["owner"],
  /** One's own sign-in sessions (issue 15): every member, for themselves only. */
  "account.manage": ["owner", "admin", "reviewer", "developer", "analyst"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleCan(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_RANK: Record<Role, number> = { owner: 5, admin: 4, reviewer: 3, developer: 2, analyst: 1 };
