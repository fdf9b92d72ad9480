// The webhook events in the groups the settings page shows them in (issue 20): with one event per state change there
// are too many for one flat list. Every event of WEBHOOK_EVENTS is in exactly one group (event-groups.test.ts).
import type { WebhookEvent } from "@/db/enums";

export const WEBHOOK_EVENT_GROUPS = [
  { id: "versions", events: ["version.uploaded", "version.submitted", "version.withdrawn", "version.approved", "version.rejected", "version.revoked"] },
  { id: "miniPrograms", events: ["mini_program.created", "mini_program.updated", "mini_program.archived", "mini_program.restored", "mini_program.deleted"] },
  {
    id: "assignments",
    events: ["assignment.changed", "rollout.halted", "release.started", "release.ring_started", "release.completed", "release.halted", "release.cancelled"],
  },
  { id: "hosts", events: ["host.created", "host.updated", "host.disabled", "host.enabled", "host.policy_changed", "host.secret_rotated"] },
  { id: "members", events: ["member.added", "member.role_changed", "member.removed", "organization.updated", "organization.ownership_transferred"] },
  { id: "insights", events: ["anomaly.detected"] },
  { id: "requests", events: ["permission_request.created", "permission_request.approved", "permission_request.rejected"] },
] as const satisfies readonly { id: string; events: readonly WebhookEvent[] }[];

export type WebhookEventGroupId = (typeof WEBHOOK_EVENT_GROUPS)[number]["id"];
