import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{lib,db,app,components,scripts,test,sdk-client,bench}/**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    environment: "node",
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The suites call the API thousands of times with one seeded token; rate-limit tests set their own limit.
    env: { API_RATE_LIMIT: "0" },
    // next-auth imports "next/server" without an extension; Vite must resolve it, not Node.
    server: { deps: { inline: ["next-auth", "@auth/core"] } },
  },
});
