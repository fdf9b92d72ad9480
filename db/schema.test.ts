// The sharding rule (CONTRACT, "Data"): every tenant table keys on the organization, so it can be
// distributed by organization without rework. A table that breaks the rule fails here.
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { is } from "drizzle-orm";
import { PgTable as PgTableClass } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "./schema";

const tables: PgTable[] = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTableClass));
const tenantTables = tables.filter((t) => !(schema.GLOBAL_TABLES as readonly string[]).includes(getTableConfig(t).name));

describe("schema is ready to shard by organization", () => {
  it("knows every global table it lists", () => {
    const names = tables.map((t) => getTableConfig(t).name);
    for (const g of schema.GLOBAL_TABLES) expect(names).toContain(g);
    expect(tenantTables.length).toBeGreaterThan(5);
  });

  it.each(tenantTables.map((t) => [getTableConfig(t).name, t] as const))("%s has org_id leading its primary key", (_name, table) => {
    const cfg = getTableConfig(table);
    expect(cfg.columns.map((c) => c.name)).toContain("org_id");
    const pkCols = cfg.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name));
    const inlinePk = cfg.columns.filter((c) => c.primary).map((c) => c.name);
    expect(inlinePk).toEqual([]);
    expect(pkCols[0]).toBe("org_id");
  });

  it.each(tenantTables.map((t) => [getTableConfig(t).name, t] as const))("%s has org_id in every unique index", (_name, table) => {
    const cfg = getTableConfig(table);
    for (const ix of cfg.indexes.filter((i) => i.config.unique)) {
      const cols = ix.config.columns.map((c) => ("name" in c ? c.name : ""));
      expect(cols, ix.config.name).toContain("org_id");
    }
    for (const c of cfg.columns) expect(c.isUnique, `${cfg.name}.${c.name} is unique without org_id`).toBe(false);
  });
});
