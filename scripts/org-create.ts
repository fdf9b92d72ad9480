// npm run org:create -- --name "Acme" --owner ops@acme.test [--slug acme] [--owner-name "Ops team"]
// The operator's way to create an organization (issue 20 item 1), also when ALLOW_ORG_CREATION=0 keeps the console's
// button away: through the same service as the console, on PGlite or on PostgreSQL (DATABASE_URL). An owner without an
// account gets one, with a one-time password printed once. On PGlite, run it while the server is stopped.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { migrateDatabase, openDatabase, type Db } from "@/db";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { consoleUrl } from "@/lib/console-url";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { createOrganization, createOrganizationInput } from "@/lib/services/organizations";

export const USAGE = `Usage: npm run org:create -- --name <name> --owner <email> [--slug <slug>] [--owner-name <name>]

Creates an organization owned by <email>. Someone without an account gets one, with a one-time password shown once.
Slug: 3-40 lowercase letters, digits and hyphens (derived from the name when left out).`;

export type OrgCreateIO = { out: (line: string) => void; err: (line: string) => void; env: Record<string, string | undefined> };

/** Exit codes: 0 created, 1 refused (a taken or invalid slug, a disabled owner), 2 wrong usage. */
export async function orgCreate(argv: string[], db: Db, io: OrgCreateIO): Promise<number> {
  let values: { name?: string; owner?: string; slug?: string; "owner-name"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: "string" }, owner: { type: "string" }, slug: { type: "string" }, "owner-name": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const email = z.string().trim().toLowerCase().email().max(320).safeParse(values.owner ?? "");
  if (!values.name || !email.success) {
    io.err(`${!values.name ? "--name is required" : "--owner needs an email address"}\n\n${USAGE}`);
    return 2;
  }
  const input = createOrganizationInput.safeParse({ name: values.name, slug: values.slug });
  if (!input.success) {
    io.err(input.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("\n"));
    return 1;
  }
  const ownerEmail = email.data;
  const oneTimePassword = randomBytes(18).toString("base64url");
  try {
    const result = await db.transaction(async (tx) => {
      const [known] = await tx.select({ id: users.id, name: users.name, disabledAt: users.disabledAt }).from(users).where(eq(users.email, ownerEmail)).limit(1);
      if (known?.disabledAt) throw new AppError("conflict", `The account ${ownerEmail} is disabled`);
      let owner = known ? { userId: known.id, name: known.name, created: false } : null;
      if (!owner) {
        const userId = newId("usr");
        const name = values["owner-name"]?.trim() || ownerEmail.split("@")[0]!;
        await tx.insert(users).values({ id: userId, email: ownerEmail, name: name.slice(0, 200), passwordHash: await hashPassword(oneTimePassword) });
        owner = { userId, name, created: true };
      }
      // A savepoint inside this transaction: a refused organization leaves no new account behind either.
      const org = await createOrganization(tx as unknown as Db, { userId: owner.userId, email: ownerEmail, name: owner.name }, input.data, { ip: null, operator: true });
      return { org, created: owner.created };
    });
    io.out(`Created organization "${result.org.name}" (slug ${result.org.slug}), owned by ${ownerEmail}.`);
    io.out(`Open it at ${consoleUrl(io.env, `/o/${result.org.slug}`)}`);
    if (result.created) {
      io.out(`A new account was made for ${ownerEmail}. Its one-time password, shown only now: ${oneTimePassword}`);
      io.out(`Hand it over privately; they sign in at ${consoleUrl(io.env, "/sign-in")} and choose their own.`);
    }
    return 0;
  } catch (e) {
    if (e instanceof AppError || e instanceof z.ZodError) {
      io.err(e instanceof AppError ? `${e.code}: ${e.message}` : e.issues.map((i) => i.message).join("\n"));
      return 1;
    }
    throw e;
  }
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const handle = await openDatabase();
  try {
    await migrateDatabase(handle);
    process.exitCode = await orgCreate(process.argv.slice(2), handle.db, {
      out: (l) => process.stdout.write(`${l}\n`),
      err: (l) => process.stderr.write(`${l}\n`),
      env: process.env,
    });
  } finally {
    await handle.close();
  }
}
