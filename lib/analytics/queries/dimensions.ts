// Every host, mini-program, version and platform combination that has data: what the filters offer.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { Platform } from "@/db/schema";
import { selectRows, whereDimensions, type Scope } from "../sql";

export type DimensionCombo = { hostId: string; appId: string; version: string; platform: Platform };

export async function getDimensions(db: DbOrTx, scope: Scope): Promise<DimensionCombo[]> {
  return selectRows<DimensionCombo>(
    db,
    sql`
    SELECT DISTINCT host_id AS "hostId", app_id AS "appId", version, platform
    FROM daily_stats WHERE ${whereDimensions(scope, {})}`,
  );
}
