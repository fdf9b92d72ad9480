// A notification's words, from its event and params: the inbox renders them in the reader's language through the
// `notifications` messages; email uses the English ones here (a mailer has no request, hence no locale).
export const NOTIFICATION_EVENTS = ["version.submitted", "version.approved", "version.rejected", "version.revoked", "rollout.halted", "permission_request.created", "permission_request.approved", "permission_request.rejected"] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export type NotificationParams = Record<string, string | number | null>;

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** The English subject line of a notification, for email (and as the inbox's fallback for an unknown event). */
export function englishSubject(event: string, p: NotificationParams): string {
  const what = `${str(p.name) || str(p.appId)} ${str(p.version)}`.trim();
  switch (event) {
    case "version.submitted":
      return `${what} is waiting for review`;
    case "version.approved":
      return `${what} was approved`;
    case "version.rejected":
      return `${what} was rejected`;
    case "version.revoked":
      return `${what} was revoked`;
    case "rollout.halted":
      return `The rollout of ${what} on ${str(p.hostName)} was halted`;
    case "permission_request.created":
      return `${str(p.name) || str(p.appId)} asks ${str(p.hostName)} for more permissions`;
    case "permission_request.approved":
      return `Your request for ${str(p.name) || str(p.appId)} on ${str(p.hostName)} was approved`;
    case "permission_request.rejected":
      return `Your request for ${str(p.name) || str(p.appId)} on ${str(p.hostName)} was rejected`;
    default:
      return event;
  }
}

/** The English body: the subject, the detail that matters (a reason, a comment), and the link. */
export function englishBody(event: string, p: NotificationParams, url: string): string {
  const lines = [englishSubject(event, p) + "."];
  if (p.detail) lines.push("", str(p.detail));
  lines.push("", `Open it in Atrium: ${url}`, "", "You get this because of your role in this organization on Atrium.");
  return lines.join("\n");
}
