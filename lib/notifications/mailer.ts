// Notifications by email, when SMTP_URL is set (issue 17 item 5). Rows are written `pending` in the event's own
// transaction; this mailer sends them after the commit, from inside the server process like the webhook dispatcher:
// each row is leased before it is sent (so two processes never send it twice), retried with backoff, and given up
// after MAX_EMAIL_ATTEMPTS with the SMTP server's answer kept. Nothing here throws into the action that notified.
import { and, asc, eq, lte } from "drizzle-orm";
import type { Transporter } from "nodemailer";
import { getDb, type Db } from "@/db";
import { notifications, organizations, users } from "@/db/schema";
import { englishBody, englishSubject } from "./text";

export const MAX_EMAIL_ATTEMPTS = 5;
const LEASE_MS = 60_000;
const BATCH = 20;
const PERIOD_MS = 15_000;

type Env = Record<string, string | undefined>;

export function mailEnabled(env: Env = process.env): boolean {
  return !!env.SMTP_URL?.trim();
}

/** Where links in emails point: AUTH_URL (the console's public address) when set, else this machine. */
export function consoleBaseUrl(env: Env = process.env): string {
  const configured = env.AUTH_URL?.trim();
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // fall through
    }
  }
  return `http://localhost:${env.PORT || 3000}`;
}

export function mailFrom(env: Env = process.env): string {
  return env.SMTP_FROM?.trim() || `Atrium <atrium@${new URL(consoleBaseUrl(env)).hostname}>`;
}

export type Mail = { to: string; subject: string; text: string };
export type MailSender = (mail: Mail) => Promise<void>;

let transport: { url: string; t: Transporter } | undefined;

/** nodemailer over SMTP_URL (smtp:// or smtps://, with credentials in the URL), with short timeouts. */
export async function sendMail(mail: Mail): Promise<void> {
  return smtpSend(mail);
}

async function smtpSend(mail: Mail): Promise<void> {
  const url = process.env.SMTP_URL!.trim();
  if (transport?.url !== url) {
    const nodemailer = await import("nodemailer");
    transport = { url, t: nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never) };
  }
  await transport.t.sendMail({ from: mailFrom(), to: mail.to, subject: mail.subject, text: mail.text });
}

export type MailReport = { sent: number; retrying: number; failed: number };

/** Sends every notification email due at `now`, at most BATCH. The sender and clock are parameters for tests. */
export async function runDueEmails(db: Db, opts: { now?: Date; send?: MailSender } = {}): Promise<MailReport> {
  const now = opts.now ?? new Date();
  const send = opts.send ?? smtpSend;
  const report: MailReport = { sent: 0, retrying: 0, failed: 0 };
  const due = await db
    .select({ n: notifications, email: users.email, slug: organizations.slug })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .innerJoin(organizations, eq(organizations.id, notifications.orgId))
    .where(and(eq(notifications.emailState, "pending"), lte(notifications.emailNextAt, now)))
    .orderBy(asc(notifications.emailNextAt))
    .limit(BATCH);
  for (const { n, email, slug } of due) {
    const key = and(eq(notifications.orgId, n.orgId), eq(notifications.id, n.id), eq(notifications.emailState, "pending"));
    const leased = await db
      .update(notifications)
      .set({ emailNextAt: new Date(now.getTime() + LEASE_MS) })
      .where(and(key, eq(notifications.emailAttempts, n.emailAttempts), lte(notifications.emailNextAt, now)))
      .returning({ id: notifications.id });
    if (leased.length === 0) continue;
    const url = `${consoleBaseUrl()}/o/${slug}/${n.href}`;
    const attempts = n.emailAttempts + 1;
    try {
      await send({ to: email, subject: englishSubject(n.event, n.params), text: englishBody(n.event, n.params, url) });
      await db.update(notifications).set({ emailState: "sent", emailAttempts: attempts, emailedAt: new Date(), emailNextAt: null, emailError: null }).where(key);
      report.sent += 1;
    } catch (e) {
      const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      const giveUp = attempts >= MAX_EMAIL_ATTEMPTS;
      await db
        .update(notifications)
        .set({ emailState: giveUp ? "failed" : "pending", emailAttempts: attempts, emailError: error, emailNextAt: giveUp ? null : new Date(now.getTime() + 30_000 * 2 ** (attempts - 1)) })
        .where(key);
      report[giveUp ? "failed" : "retrying"] += 1;
    }
  }
  return report;
}

const g = globalThis as unknown as { __atriumMailer?: { timer?: NodeJS.Timeout; running?: boolean; periodic?: NodeJS.Timeout; manual?: boolean } };

/** Tests drive runDueEmails themselves: no background sends while `auto` is false. */
export function setMailerAuto(auto: boolean): void {
  (g.__atriumMailer ??= {}).manual = !auto;
}

async function tick(): Promise<void> {
  const state = (g.__atriumMailer ??= {});
  if (state.running || !mailEnabled()) return;
  state.running = true;
  try {
    const db = await getDb();
    for (let i = 0; i < 10; i++) {
      const r = await runDueEmails(db);
      if (r.sent + r.retrying + r.failed < BATCH) break;
    }
  } catch (e) {
    console.error("[atrium] notification mailer failed", e);
  } finally {
    state.running = false;
  }
}

/** Sends due emails soon (after the notifying transaction has committed). */
export function kickMailer(delayMs = 0): void {
  const state = (g.__atriumMailer ??= {});
  if (state.timer || state.manual) return;
  state.timer = setTimeout(() => {
    state.timer = undefined;
    void tick();
  }, delayMs);
  state.timer.unref?.();
}

/** The periodic pass for retries and for rows a stopped process left pending; started with the server. */
export function startMailer(): void {
  const state = (g.__atriumMailer ??= {});
  if (state.periodic || !mailEnabled()) return;
  state.periodic = setInterval(() => void tick(), PERIOD_MS);
  state.periodic.unref?.();
  kickMailer(2_000);
}
