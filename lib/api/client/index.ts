// A typed client of /api/v1: openapi-fetch over the types generated from the OpenAPI document (schema.d.ts).
// The CLI uses it, so a route or shape that changes in the document shows as a type error there.
// Kept free of server imports: it is bundled into the CLI.
import createClient from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };
export type AtriumSchemas = components["schemas"];

export type AtriumClientOptions = {
  baseUrl: string;
  token: string;
  /** Defaults to the global fetch; tests pass one that calls the route handlers. */
  fetch?: (input: Request) => Promise<Response>;
  userAgent?: string;
};

export function createAtriumClient(opts: AtriumClientOptions) {
  return createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ""),
    headers: { authorization: `Bearer ${opts.token}`, accept: "application/json", ...(opts.userAgent ? { "user-agent": opts.userAgent } : {}) },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

export type AtriumClient = ReturnType<typeof createAtriumClient>;
