// Auth.js v5: email + password, and single sign-on handed over by the OpenID Connect callback (lib/sso/flow.ts)
// through a one-time ticket (lib/auth/sso-ticket.ts). The JWT carries only a session id; the sessions table is the
// truth, so sign-out, a disabled user or a removed membership act on the very next request.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { sessions, users } from "@/db/schema";
import { openSession, SESSION_MAX_AGE_S } from "./open-session";
import { checkPasswordSignIn } from "./password-sign-in";
import { takeSsoTicket } from "./sso-ticket";
import { clientIpFromHeaders } from "@/lib/request-ip";

export { SESSION_MAX_AGE_S };

export class ThrottledSignIn extends CredentialsSignin {
  code = "throttled";
}

/** The password was right; the account has two-factor on and no code came with it. */
export class TwoFactorRequired extends CredentialsSignin {
  code = "totp_required";
}

/** The password was right; the code was not (or was already used). Counted like a wrong password. */
export class TwoFactorInvalid extends CredentialsSignin {
  code = "totp_invalid";
}

/** The password was right, but an organization of this person's requires its identity provider (CONTRACT §9). */
export class SsoRequiredSignIn extends CredentialsSignin {
  code = "sso_required";
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
  /** The second factor, for an account with two-factor on: a code from the app, or a recovery code. */
  code: z.string().trim().max(32).optional(),
});

/**
 * Auth.js logs every failed sign-in as an error with its stack. A wrong password or a throttled attempt is an
 * expected outcome that the sign-in page answers (and the throttle records), not a fault: it stays out of the
 * server log, so a real error there is not buried. Anything else keeps Auth.js's report.
 */
export const authLogger = {
  error(error: Error) {
    const type = (error as Error & { type?: string }).type;
    if (error instanceof CredentialsSignin || type === "CredentialsSignin") return;
    const cause = (error as Error & { cause?: { err?: unknown } }).cause?.err;
    console.error(`[auth][error] ${type ?? error.name}: ${error.message}`, cause instanceof Error ? cause : error);
  },
};

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  logger: authLogger,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" }, code: { label: "Code" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const db = await getDb();
        const result = await checkPasswordSignIn(db, parsed.data, clientIpFromHeaders(request.headers));
        if (!result.ok) {
          if (result.reason === "throttled") {
            const err = new ThrottledSignIn();
            err.code = `throttled:${result.waitSeconds}`;
            throw err;
          }
          if (result.reason === "sso_required") throw new SsoRequiredSignIn();
          if (result.reason === "totp_required") throw new TwoFactorRequired();
          if (result.reason === "totp_invalid") throw new TwoFactorInvalid();
          return null;
        }
        // Only now, with the password and (when two-factor is on) the code checked, is a session opened.
        const { user } = result;
        const sid = await openSession(db, { userId: user.id, headers: request.headers, method: "password" });
        return { id: user.id, email: user.email, name: user.name, sid };
      },
    }),
    Credentials({
      id: "sso",
      name: "Single sign-on",
      credentials: { ticket: {} },
      // Only the callback of lib/sso/flow.ts holds a ticket, after it verified the provider's ID token.
      async authorize(raw, request) {
        const ticket = takeSsoTicket((raw as { ticket?: unknown }).ticket);
        if (!ticket) return null;
        const db = await getDb();
        const [user] = await db.select().from(users).where(eq(users.id, ticket.userId)).limit(1);
        if (!user || user.disabledAt) return null;
        const sid = await openSession(db, { userId: user.id, headers: request.headers, method: "sso", ssoOrgId: ticket.orgId });
        ticket.outcome.sid = sid;
        return { id: user.id, email: user.email, name: user.name, sid };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user && "sid" in user) token.sid = user.sid as string;
      return token;
    },
    session({ session, token }) {
      return { ...session, sid: typeof token.sid === "string" ? token.sid : undefined };
    },
  },
});

export async function revokeSession(sid: string): Promise<void> {
  const db = await getDb();
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, sid), isNull(sessions.revokedAt)));
}
