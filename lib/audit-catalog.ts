// What the audit log can say, as data: the known actions and object types (the audit page's pickers and the
// catalogs' labels come from here), and each entry's `changes` read as a list of before → after rows.
// Services keep writing whatever `changes` they need; this reads the three shapes they use:
//   { field: { from, to } }                 a diff (host edits, policy)
//   { from, to, ...facts }                  a transition (version status, a role, an assignment's state)
//   { field: value }                        the facts of a creation or removal
import { ASSIGNMENT_ACTIONS } from "@/db/schema";

export const AUDIT_ACTIONS = [
  "host.create",
  "host.update",
  "host.enable",
  "host.disable",
  "host.policy_update",
  "host.rotate_secret",
  "mini_program.create",
  "mini_program.update",
  "mini_program.listing_image_add",
  "mini_program.listing_image_remove",
  "mini_program.privacy_update",
  "mini_program.archive",
  "mini_program.restore",
  "mini_program.delete",
  "collaborator.add",
  "collaborator.remove",
  "version.upload",
  "version.submit",
  "version.withdraw",
  "version.claim",
  "version.unclaim",
  "version.approve",
  "version.reject",
  "version.revoke",
  "version.notes",
  ...ASSIGNMENT_ACTIONS.map((a) => `assignment.${a}` as const),
  "member.invite",
  "member.invite_revoke",
  "member.password_reset_link",
  "member.join",
  "member.role_change",
  "member.remove",
  "member.sessions_end",
  "token.create",
  "token.revoke",
  "webhook.create",
  "webhook.enable",
  "webhook.disable",
  "webhook.delete",
  "webhook.resend",
  "webhook.test",
  "release.create",
  "release.ring_start",
  "release.complete",
  "release.halt",
  "release.cancel",
  "permission_request.create",
  "permission_request.approve",
  "permission_request.reject",
  "sso.enable",
  "sso.update",
  "sso.disable",
  "sso.sign_in",
  "session.revoke",
  "session.revoke_others",
  "totp.enable",
  "totp.disable",
  "totp.recovery_regenerate",
  "totp.recovery_used",
  "account.profile_update",
  "account.password_change",
  "account.password_reset_request",
  "account.password_reset",
  "organization.require_two_factor",
  "organization.create",
  "organization.update",
  "organization.transfer_ownership",
  "organization.delete",
  "manifest_key.create",
  "manifest_key.rotate",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OBJECT_TYPES = ["host_app", "mini_program", "version", "assignment", "member", "invitation", "api_token", "webhook_endpoint", "webhook_delivery", "release", "permission_request", "sso_connection", "organization", "manifest_key"] as const;

export const isKnownAuditAction = (a: string): a is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(a);

/** "host.rotate_secret" → "Host: rotate secret": the fallback for an action newer than the catalogs. */
export function humanizeCode(code: string): string {
  const [head, ...rest] = code.split(".");
  const words = (s: string) => s.replace(/_/g, " ");
  const first = words(head ?? "");
  return rest.length ? `${first.charAt(0).toUpperCase()}${first.slice(1)}: ${words(rest.join(" "))}` : `${first.charAt(0).toUpperCase()}${first.slice(1)}`;
}

export type ChangeRow =
  | { kind: "change"; field: string; before: unknown; after: unknown }
  | { kind: "fact"; field: string; value: unknown };

// Ids the entry already names through its object (the object column links to it), so they are noise here.
const CONTEXT_FIELDS: Record<string, string[]> = {
  assignment: ["hostId", "appId"],
  version: ["appId", "version"],
  mini_program: ["appId"],
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isDiff = (v: unknown): v is { from: unknown; to: unknown } =>
  isPlainObject(v) && Object.keys(v).length === 2 && "from" in v && "to" in v;

export function changeRows(entry: { action: string; objectType: string; changes: unknown }): ChangeRow[] {
  const c = entry.changes;
  if (!isPlainObject(c)) return c === null || c === undefined ? [] : [{ kind: "fact", field: "value", value: c }];
  const skip = new Set(CONTEXT_FIELDS[entry.objectType] ?? []);
  const rows: ChangeRow[] = [];
  if ("from" in c && "to" in c) {
    const { from, to } = c;
    if ((isPlainObject(from) || from === null) && (isPlainObject(to) || to === null) && (from || to)) {
      // An assignment's state before and after: one row per field that either side names.
      const keys = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to ?? {})])];
      for (const k of keys) {
        const before = from?.[k] ?? null;
        const after = to?.[k] ?? null;
        if (JSON.stringify(before) !== JSON.stringify(after)) rows.push({ kind: "change", field: k, before, after });
      }
    } else {
      rows.push({ kind: "change", field: entry.action === "member.role_change" ? "role" : "status", before: from, after: to });
    }
  }
  for (const [k, v] of Object.entries(c)) {
    if (k === "from" || k === "to" || skip.has(k)) continue;
    if (isDiff(v)) rows.push({ kind: "change", field: k, before: v.from, after: v.to });
    else rows.push({ kind: "fact", field: k, value: v });
  }
  return rows;
}
