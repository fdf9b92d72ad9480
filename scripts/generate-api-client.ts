// Writes lib/api/client/schema.d.ts, the TypeScript types of the OpenAPI document, with openapi-typescript.
// The typed client (lib/api/client) and the CLI use them, so they cannot drift from the API:
// lib/api/client/client.test.ts fails when this file is stale. Run: npm run api:client
import fs from "node:fs";
import path from "node:path";
import { generateApiClientTypes } from "../lib/api/client/generate";

const out = path.resolve(import.meta.dirname, "../lib/api/client/schema.d.ts");
fs.writeFileSync(out, await generateApiClientTypes());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
