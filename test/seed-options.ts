// What every seeded test database is seeded with (test/seeded.ts, and its template in test/global-setup.ts).
import { createHash } from "node:crypto";
import type { SeedOptions } from "../db/seed";
import { keyConfiguration } from "../lib/crypto/secrets";

export const SEED_OPTIONS = {
  password: "demo-password",
  apiTokenPrefix: "t_",
  sdkKey: "ak_test_key",
  sdkSecret: "sk_test_secret",
} as const satisfies SeedOptions;

/**
 * Which key the seed's secrets are encrypted under (lib/crypto/secrets.ts): a file that sets its own AUTH_SECRET
 * must not start from a template whose SDK secret another key encrypted. A digest, not the secrets.
 */
export function seedKeyOf(env: NodeJS.ProcessEnv): string {
  return createHash("sha256").update(keyConfiguration(env)).digest("hex");
}
