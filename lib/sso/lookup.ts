// What sign-in needs to know about single sign-on before anyone is signed in: which organization's provider an email
// goes to, and whether a person's organizations still let them use a password.
import { and, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { memberships, organizations, ssoConnections, ssoDomains, type SsoConnection } from "@/db/schema";
import { emailDomain } from "./domains";

export type SsoTarget = { org: { id: string; slug: string; name: string }; connection: SsoConnection };

/** The organization whose provider signs in this email's domain, or null. */
export async function findSsoForEmail(db: DbOrTx, email: string): Promise<SsoTarget | null> {
  const domain = emailDomain(email);
  if (!domain) return null;
  const [row] = await db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, connection: ssoConnections })
    .from(ssoDomains)
    .innerJoin(ssoConnections, eq(ssoConnections.orgId, ssoDomains.orgId))
    .innerJoin(organizations, eq(organizations.id, ssoDomains.orgId))
    .where(eq(ssoDomains.domain, domain))
    .limit(1);
  return row ? { org: { id: row.id, slug: row.slug, name: row.name }, connection: row.connection } : null;
}

export async function findSsoForOrg(db: DbOrTx, orgId: string): Promise<SsoTarget | null> {
  const [row] = await db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, connection: ssoConnections })
    .from(ssoConnections)
    .innerJoin(organizations, eq(organizations.id, ssoConnections.orgId))
    .where(eq(ssoConnections.orgId, orgId))
    .limit(1);
  return row ? { org: { id: row.id, slug: row.slug, name: row.name }, connection: row.connection } : null;
}

/**
 * The first organization that requires single sign-on of this person (they are a member there, not an owner), or
 * null when a password may sign them in. Owners keep their password as the way back in when the provider fails.
 */
export async function passwordRefusedBy(db: DbOrTx, userId: string): Promise<{ id: string; name: string } | null> {
  const [row] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(memberships)
    .innerJoin(ssoConnections, and(eq(ssoConnections.orgId, memberships.orgId), eq(ssoConnections.enforced, true)))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), ne(memberships.role, "owner")))
    .orderBy(organizations.name)
    .limit(1);
  return row ?? null;
}
