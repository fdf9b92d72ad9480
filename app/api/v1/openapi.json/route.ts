// GET /api/v1/openapi.json (CONTRACT §10): the OpenAPI 3.1 document, public like any API reference.
import { NextResponse } from "next/server";
import { buildOpenApiDocument } from "@/lib/api/openapi/document";

export const dynamic = "force-dynamic";

let cached: string | null = null;

export function GET(): Response {
  // Built once per process: it depends only on the code.
  cached ??= JSON.stringify(buildOpenApiDocument());
  return new NextResponse(cached, {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff", "Access-Control-Allow-Origin": "*" },
  });
}
