// One way to open a console session, for every way of signing in: a row in `sessions` whose id the JWT carries.
import type { Db } from "@/db";
import { sessions, type SessionMethod } from "@/db/schema";
import { newId } from "@/lib/ids";
import { clientIpFromHeaders } from "@/lib/request-ip";

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

export async function openSession(db: Db, opts: { userId: string; headers: Headers; method: SessionMethod; ssoOrgId?: string | null }): Promise<string> {
  const sid = newId("ses");
  await db.insert(sessions).values({
    id: sid,
    userId: opts.userId,
    expiresAt: new Date(Date.now() + SESSION_MAX_AGE_S * 1000),
    ip: clientIpFromHeaders(opts.headers),
    userAgent: opts.headers.get("user-agent")?.slice(0, 512) ?? null,
    method: opts.method,
    ssoOrgId: opts.ssoOrgId ?? null,
  });
  return sid;
}
