// The hand-over from a verified single sign-on callback to Auth.js, inside one server process. The callback has
// checked the provider's answer; it leaves a one-time ticket here and calls Auth.js's signIn with it, which runs
// the "sso" credentials provider in-process (next-auth's signIn calls Auth() directly, no HTTP). The ticket never
// leaves the server, lives a minute, and is taken once: posting one to /api/auth/callback/sso from outside finds
// nothing, and so does replaying it.
import { randomBytes } from "node:crypto";

const TTL_MS = 60_000;

export type SsoTicket = { userId: string; orgId: string; subject: string; expiresAt: number; outcome: { sid?: string } };

const tickets = new Map<string, SsoTicket>();

function sweep(now: number) {
  for (const [k, t] of tickets) if (t.expiresAt <= now) tickets.delete(k);
}

export function issueSsoTicket(data: { userId: string; orgId: string; subject: string }): { ticket: string; record: SsoTicket } {
  const now = Date.now();
  sweep(now);
  const ticket = randomBytes(32).toString("base64url");
  const record: SsoTicket = { ...data, expiresAt: now + TTL_MS, outcome: {} };
  tickets.set(ticket, record);
  return { ticket, record };
}

/** The ticket's record, once; null when unknown, used or expired. */
export function takeSsoTicket(ticket: unknown): SsoTicket | null {
  if (typeof ticket !== "string" || ticket.length !== 43) return null;
  const record = tickets.get(ticket);
  tickets.delete(ticket);
  if (!record || record.expiresAt <= Date.now()) return null;
  return record;
}
