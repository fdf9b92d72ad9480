// npm run db:seed: the demo of CONTRACT §2 on the configured database.
import { openDatabase } from "@/db";
import { seedDemo } from "@/db/seed";
import { consoleUrl } from "@/lib/console-url";

const handle = await openDatabase();
try {
  const res = await seedDemo(handle.db, {
    password: process.env.SEED_PASSWORD || "demo-password",
    apiTokenPrefix: process.env.SEED_API_TOKEN_PREFIX || undefined,
    sdkKey: process.env.SEED_SDK_KEY || undefined,
    sdkSecret: process.env.SEED_SDK_SECRET || undefined,
    log: (l) => console.log(l),
  });
  if (res.seeded) console.log(`Sign in at ${consoleUrl(process.env, "/sign-in")} as owner@demo.test (or admin@, reviewer@, developer@, analyst@demo.test).`);
} finally {
  await handle.close();
}
