// Auth.js v5: email + password, and single sign-on handed over by the OpenID Connect callback (lib/sso/flow.ts)
// through a one-time ticket (lib/auth/sso-ticket.ts). The JWT carries only a session id; the sessions table is the
// truth, so sign-out, a disabled user or a removed membership act on the very next request.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { sessions, users } from "@/db/schema";
import { passwordRefusedBy } from "@/lib/sso/lookup";
import { openSession, SESSION_MAX_AGE_S } from "./open-session";
import { burnPasswordCheck, verifyPassword } from "./password";
import { takeSsoTicket } from "./sso-ticket";
import { beginAttempt, recordSuccess } from "./throttle";
import { clientIpFromHeaders } from "@/lib/request-ip";

export { SESSION_MAX_AGE_S };

export class ThrottledSignIn extends CredentialsSignin {
  code = "throttled";
}

/** The password was right, but an organization of this person's requires its identity provider (CONTRACT §9). */
export class SsoRequiredSignIn extends CredentialsSignin {
  code = "sso_required";
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
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
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const db = await getDb();
        const ip = clientIpFromHeaders(request.headers);
        // Counted before the password is checked, so parallel guesses cannot all pass a check-then-record gap.
        const wait = await beginAttempt(db, email, ip);
        if (wait > 0) {
          const err = new ThrottledSignIn();
          err.code = `throttled:${wait}`;
          throw err;
        }
        const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
        const ok = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
        if (!user || !ok) return null;
        await recordSuccess(db, email, ip);
        if (await passwordRefusedBy(db, user.id)) throw new SsoRequiredSignIn();
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
