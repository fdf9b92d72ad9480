// A seeded test database with a context for each demo role, for service tests.
import type { Db } from "../db";
import { seedDemo, type SeedResult } from "../db/seed";
import { loadOrgContext, type OrgContext } from "../lib/authz/context";
import { ROLES, type Role } from "../db/schema";
import { useTestDb } from "./db";
import { beforeAll } from "vitest";

export type Seeded = {
  db: Db;
  seed: SeedResult;
  as(role: Role): Promise<OrgContext>;
  otherAdmin(): Promise<OrgContext>;
};

export async function contextFor(db: Db, seed: SeedResult, email: string, orgSlug: string, sessionId = "ses_test"): Promise<OrgContext> {
  const userId = seed.users[email];
  if (!userId) throw new Error(`no seeded user ${email}`);
  return loadOrgContext(db, { slug: orgSlug }, { type: "user", userId, email, name: email, sessionId }, "127.0.0.1");
}

/** Registers a seeded database for the current test file. */
export function useSeededDb(): Seeded {
  const box = useTestDb();
  const out = { seed: undefined as unknown as SeedResult } as Seeded;
  beforeAll(async () => {
    out.db = box.handle.db;
    out.seed = await seedDemo(box.handle.db, { password: "demo-password", apiTokenPrefix: "t_", sdkKey: "ak_test_key", sdkSecret: "sk_test_secret" });
  });
  out.as = (role: Role) => contextFor(out.db, out.seed, `${role}@demo.test`, "demo");
  out.otherAdmin = () => contextFor(out.db, out.seed, "admin@other.test", "other");
  return out;
}

export { ROLES };
