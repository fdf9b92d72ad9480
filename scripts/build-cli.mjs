// Compiles the CLI (scripts/atrium-cli.ts and what it imports: the typed client, openapi-fetch, the zip writer)
// into one JavaScript file with no runtime dependencies, so `npm install` of the packed package runs `atrium`
// without tsx or any devDependency. Runs at pack time (prepack) of the root package and of packages/cli.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "packages/cli/dist/atrium.mjs");

await build({
  entryPoints: [path.join(root, "scripts/atrium-cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  banner: { js: "#!/usr/bin/env node" },
  legalComments: "none",
  logLevel: "warning",
  tsconfig: path.join(root, "tsconfig.json"),
});
fs.chmodSync(outfile, 0o755);
console.log(`built ${path.relative(process.cwd(), outfile)} (${Math.round(fs.statSync(outfile).size / 1024)} KiB)`);
