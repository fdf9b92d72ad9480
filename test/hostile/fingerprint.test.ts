// The hostile-input suite's "nothing was written" rests on this: every kind of write must move a table's mark,
// and only a write must.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDb } from "../db";
import { changedTables, fingerprinter, tableNames, type Fingerprint } from "./fingerprint";

const box = useTestDb();
let fingerprint: () => Promise<Fingerprint>;

beforeAll(async () => {
  const db = box.handle.db;
  fingerprint = fingerprinter(db, await tableNames(db));
  await db.execute(sql`INSERT INTO users (id, email, name, password_hash) VALUES ('u1', 'a@example.com', 'a', 'x'), ('u2', 'b@example.com', 'b', 'x')`);
  await db.execute(sql`INSERT INTO organizations (id, slug, name) VALUES ('o1', 'o1', 'One')`);
  await db.execute(
    sql`INSERT INTO api_tokens (org_id, id, user_id, name, scope, token_hash, hint) VALUES ('o1', 't1', 'u1', 'ci', 'role', 'h', 'at_')`,
  );
});

async function changedBy(write: () => Promise<unknown>): Promise<string[]> {
  const before = await fingerprint();
  await write();
  return changedTables(before, await fingerprint());
}

describe("fingerprint", () => {
  const db = () => box.handle.db;

  it("sees nothing when nothing is written, and a read is no write", async () => {
    expect(await changedBy(() => db().execute(sql`SELECT * FROM users FOR UPDATE`))).toEqual([]);
  });

  it("sees an insert, an update, an update to the same values, and a delete, in the table written", async () => {
    expect(await changedBy(() => db().execute(sql`INSERT INTO users (id, email, name, password_hash) VALUES ('u3', 'c@example.com', 'c', 'x')`))).toEqual(["users"]);
    expect(await changedBy(() => db().execute(sql`UPDATE users SET name = 'renamed' WHERE id = 'u1'`))).toEqual(["users"]);
    expect(await changedBy(() => db().execute(sql`UPDATE users SET name = name WHERE id = 'u2'`))).toEqual(["users"]);
    // Deleting a row other than the newest one: the count moves even though the newest version stays.
    expect(await changedBy(() => db().execute(sql`DELETE FROM users WHERE id = 'u2'`))).toEqual(["users"]);
  });

  it("sees nothing of a write that was rolled back", async () => {
    const changed = await changedBy(async () => {
      await db()
        .transaction(async (tx) => {
          await tx.execute(sql`INSERT INTO organizations (id, slug, name) VALUES ('o2', 'o2', 'Two')`);
          throw new Error("roll back");
        })
        .catch(() => undefined);
    });
    expect(changed).toEqual([]);
  });

  it("ignores a touched last_used_at but sees any other change to a token", async () => {
    expect(await changedBy(() => db().execute(sql`UPDATE api_tokens SET last_used_at = now() WHERE id = 't1'`))).toEqual([]);
    expect(await changedBy(() => db().execute(sql`UPDATE api_tokens SET revoked_at = now() WHERE id = 't1'`))).toEqual(["api_tokens"]);
  });
});
