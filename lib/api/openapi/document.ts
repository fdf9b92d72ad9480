// Builds the OpenAPI 3.1 document of /api/v1 and /api/sdk/v1 (CONTRACT §10) from the operations in ./routes.ts,
// with zod's own JSON Schema output (draft 2020-12, the dialect of OpenAPI 3.1). Named schemas are hoisted into
// components; every operation gets the error answers its kind can give, in the one error shape.
import { z } from "zod";
import { ERROR_STATUS } from "@/lib/errors";
import { MAX_IDEMPOTENCY_KEY_LENGTH } from "@/lib/api/idempotency";
import { API_OPERATIONS, type ApiOperation } from "./routes";
import { components, ErrorBody } from "./schemas";

type Json = Record<string, unknown>;
export type OpenApiDocument = Json & { openapi: string; paths: Record<string, Record<string, Json>>; components: Json & { schemas: Record<string, Json> } };

const ERROR_DESCRIPTIONS: Record<number, string> = {
  304: "Not modified",
  401: "unauthenticated: no, unknown, expired or revoked credentials",
  403: "forbidden: the caller's role may not do this",
  404: "not_found: no such object in this organization (a foreign object answers the same)",
  409: "conflict: not allowed from the object's current state, a lost race, or an Idempotency-Key reused with another request",
  413: "payload_too_large: the body is over the limit",
  422: "invalid_input: the request does not match the expected shape; `details` says where",
  429: "rate_limited: too many requests with this API token; retry after `Retry-After` seconds",
  503: "unavailable: the service cannot take work right now; retry after `Retry-After` seconds",
};

const RESPONSE_HEADERS: Record<string, Json> = {
  "RateLimit-Limit": { description: "Requests this token may make per window", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in the current window", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window resets", schema: { type: "integer" } },
  "RateLimit-Policy": { description: "The limit and its window, as `<limit>;w=<seconds>`", schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
  "Idempotent-Replayed": { description: "`true` when this is the kept answer of an earlier request with the same Idempotency-Key", schema: { type: "string", enum: ["true"] } },
  ETag: { description: "The manifest's entity tag", schema: { type: "string" } },
  "X-MP-Manifest-Signature": {
    description: "`keyId=<id>, sig=<base64url Ed25519 signature over the exact response body bytes>`; verify with the key of that id from GET /api/sdk/v1/keys",
    schema: { type: "string" },
  },
};

/** The errors an operation can answer, from its kind: credentials, role, objects in its path, input, state. */
export function errorStatuses(op: ApiOperation): number[] {
  if (op.security === "public") return [...(op.errors ?? [])];
  const s = new Set<number>([401, 503]);
  if (op.security === "token") {
    s.add(403).add(429);
    if (op.pathParams) s.add(404);
    if (op.query || op.body) s.add(422);
    if (op.method !== "get") s.add(409);
    if (op.method === "post") s.add(422);
    if (op.body) s.add(413);
  } else {
    s.add(403);
    if (op.query || op.body) s.add(422);
  }
  for (const e of op.errors ?? []) s.add(e);
  return [...s].sort((a, b) => a - b);
}

/** zod → JSON Schema 2020-12, with named sub-schemas moved into `defs` and referenced from components. */
function toSchema(schema: z.ZodType, io: "input" | "output", defs: Record<string, Json>): Json {
  // Answers reference the named schemas of ./schemas.ts; requests are inlined, since a named schema read as input
  // (defaults make fields optional) differs from the same schema as output.
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", ...(io === "output" ? { metadata: components } : {}), reused: "inline", cycles: "ref" }) as Json;
  const hoisted = (out.$defs ?? {}) as Record<string, Json>;
  delete out.$schema;
  delete out.$defs;
  const fix = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(fix);
    if (node && typeof node === "object") {
      const o: Json = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) o[k] = `#/components/schemas/${v.slice(8)}`;
        else if (k === "$id" || k === "$schema") continue;
        else o[k] = fix(v);
      }
      return o;
    }
    return node;
  };
  for (const [name, def] of Object.entries(hoisted)) defs[name] = fix(def) as Json;
  return fix(out) as Json;
}

function operationObject(op: ApiOperation, defs: Record<string, Json>): Json {
  const parameters: Json[] = [];
  for (const [name, description] of Object.entries(op.pathParams ?? {})) {
    parameters.push({ name, in: "path", required: true, description, schema: { type: "string", minLength: 1 } });
  }
  if (op.query) {
    const shape = toSchema(op.query, "input", defs) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      const { description, ...rest } = schema as Json & { description?: string };
      parameters.push({ name, in: "query", required: (shape.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  if (op.security === "token" && op.method === "post") parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });

  const responses: Json = {};
  const limitHeaders = op.security === "token" ? ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"] : [];
  for (const [status, r] of Object.entries(op.responses)) {
    const headers = [...limitHeaders, ...(r.headers ?? []), ...(op.security === "token" && op.method === "post" ? ["Idempotent-Replayed"] : [])];
    const content = r.schema ? { [r.contentType ?? "application/json"]: { schema: toSchema(r.schema, "output", defs) } } : r.contentType ? { [r.contentType]: { schema: { type: "string", contentMediaType: r.contentType } } } : undefined;
    for (const type of r.alternatives ?? []) if (content) (content as Json)[type] = { schema: { type: "string", contentMediaType: type } };
    responses[status] = {
      description: r.description,
      ...(headers.length ? { headers: Object.fromEntries(headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) } : {}),
      ...(content ? { content } : {}),
    };
  }
  for (const status of errorStatuses(op)) {
    if (responses[status]) continue;
    responses[status] = { $ref: `#/components/responses/E${status}` };
  }

  let requestBody: Json | undefined;
  if (op.body) {
    requestBody =
      "schema" in op.body
        ? { required: op.body.required ?? true, ...(op.body.description ? { description: op.body.description } : {}), content: { "application/json": { schema: toSchema(op.body.schema, "input", defs) } } }
        : { required: true, description: op.body.description, content: { [op.body.contentType]: { schema: { type: "string", contentMediaType: op.body.contentType, ...(op.body.maxBytes ? { maxLength: op.body.maxBytes } : {}) } } } };
  }

  const permissionNote = op.security === "token" ? (op.permission ? `\n\nNeeds the \`${op.permission}\` permission (CONTRACT §1).` : "\n\nAny member may call it.") : "";
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description || permissionNote ? { description: `${op.description ?? ""}${permissionNote}`.trim() } : {}),
    tags: [op.tag],
    ...(op.security === "token" && op.permission ? { "x-permission": op.permission } : {}),
    security: op.security === "token" ? [{ bearerToken: [] }] : op.security === "sdk" ? [{ sdkKey: [], sdkTimestamp: [], sdkSignature: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

export function buildOpenApiDocument(opts: { serverUrl?: string; operations?: ApiOperation[] } = {}): OpenApiDocument {
  const defs: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of opts.operations ?? API_OPERATIONS) {
    (paths[op.path] ??= {})[op.method] = operationObject(op, defs);
  }
  const errorSchema = toSchema(ErrorBody, "output", defs);
  const codeOf = (status: number) => Object.entries(ERROR_STATUS).find(([, s]) => s === status)?.[0];
  const errorResponses = Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS)
      .filter(([s]) => Number(s) >= 400)
      .map(([s, description]) => [
        `E${s}`,
        {
          description,
          ...(s === "429" || s === "503" ? { headers: { "Retry-After": { $ref: "#/components/headers/Retry-After" } } } : {}),
          content: { "application/json": { schema: errorSchema, ...(codeOf(Number(s)) ? { example: { error: { code: codeOf(Number(s)), message: description.split(": ")[1] ?? description } } } : {}) } },
        },
      ]),
  );
  const tags = [...new Set((opts.operations ?? API_OPERATIONS).map((o) => o.tag))];
  return {
    openapi: "3.1.0",
    info: {
      title: "Atrium API",
      version: "1.0.0",
      description:
        "The automation API (`/api/v1`, with an API token) and the SDK API (`/api/sdk/v1`, signed with a host app's SDK credentials) of Atrium. " +
        "Every error has one shape: `{\"error\": {\"code\", \"message\", \"details\"}}`. Lists answer `{\"items\", \"nextCursor\"}` and take `cursor` and `limit`. " +
        "POST requests of `/api/v1` accept an `Idempotency-Key`; API tokens are rate limited (429 with `Retry-After`).",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: defs,
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token of the console: `Authorization: Bearer <token>`." },
        sdkKey: { type: "apiKey", in: "header", name: "X-MP-Key", description: "The host app's SDK key." },
        sdkTimestamp: { type: "apiKey", in: "header", name: "X-MP-Timestamp", description: "Unix seconds; within 300 s of the server's clock." },
        sdkSignature: {
          type: "apiKey",
          in: "header",
          name: "X-MP-Signature",
          description:
            'hex HMAC-SHA256(sdkSecret, timestamp + "\\n" + METHOD + "\\n" + pathWithQuery + "\\n" + hex SHA-256(raw body)), where pathWithQuery is the request target exactly as sent.',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Makes a retry safe: the same key with the same request within 24 hours answers the first answer again and changes nothing more; the same key with another request is 409. Kept per API token.",
          schema: { type: "string", minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: "^[\\x20-\\x7E]+$" },
        },
      },
      headers: RESPONSE_HEADERS,
      responses: errorResponses,
    },
  };
}
