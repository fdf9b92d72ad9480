// A seeded test database with a context for each demo role, for service tests.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import { seedDemo, type SeedResult } from "../db/seed";
import { utcDay } from "../lib/analytics/dates";
import { getBlobStore, isSha256 } from "../lib/blobs";
import { loadOrgContext, type OrgContext } from "../lib/authz/context";
import { ROLES, type Role } from "../db/schema";
import { useTestDb } from "./db";
import { SEED_OPTIONS, seedKeyOf } from "./seed-options";
import { beforeAll, inject } from "vitest";

export type Seeded = {
  db: Db;
  seed: SeedResult;
  as(role: Role): Promise<OrgContext>;
  otherAdmin(): Promise<OrgContext>;
  /** On PostgreSQL, the URL of this file's own database (for a second connection to it, as another server process has). */
  url(): string | undefined;
};

export async function contextFor(db: Db, seed: SeedResult, email: string, orgSlug: string, sessionId = "ses_test"): Promise<OrgContext> {
  const userId = seed.users[email];
  if (!userId) throw new Error(`no seeded user ${email}`);
  return loadOrgContext(db, { slug: orgSlug }, { type: "user", userId, email, name: email, sessionId }, "127.0.0.1");
}

/**
 * The run's seeded template (test/global-setup.ts) serves a file seeded today, under the key the file encrypts
 * with; otherwise (a run past midnight UTC: the seed's days are relative to its day; a file with its own
 * AUTH_SECRET) the file seeds its own database as the template was.
 */
function templateServes(): boolean {
  const { seeded } = inject("testDb");
  return seeded.day === utcDay(Date.now()) && seeded.key === seedKeyOf(process.env);
}

/** Copies the template's package blobs into the store the file uses, as seeding would have written them. */
async function copyTemplateBlobs(dir: string): Promise<void> {
  const store = getBlobStore();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && isSha256(e.name)) await store.put(e.name, fs.readFileSync(path.join(e.parentPath, e.name)));
  }
}

/** Registers a seeded database for the current test file. */
export function useSeededDb(): Seeded {
  // Decided as the database opens: a file sets its AUTH_SECRET on import, before any hook runs.
  const opened = { fromTemplate: false };
  const box = useTestDb({ seeded: () => (opened.fromTemplate = templateServes()) });
  const out = { seed: undefined as unknown as SeedResult } as Seeded;
  beforeAll(async () => {
    out.db = box.handle.db;
    if (opened.fromTemplate) {
      const { seeded } = inject("testDb");
      await copyTemplateBlobs(seeded.blobDir);
      out.seed = structuredClone(seeded.seed);
    } else {
      out.seed = await seedDemo(box.handle.db, SEED_OPTIONS);
    }
  });
  out.as = (role: Role) => contextFor(out.db, out.seed, `${role}@demo.test`, "demo");
  out.otherAdmin = () => contextFor(out.db, out.seed, "admin@other.test", "other");
  out.url = () => box.handle.url;
  return out;
}

export { ROLES };
