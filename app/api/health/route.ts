// Liveness: constant JSON without touching the database, so a health check never queues behind queries and
// never opens the embedded database first. It is also the constant-JSON baseline of the benchmark's manifest
// figure (bench/), so it must stay this cheap. The proxy does not run on /api/ (proxy.ts's matcher).
import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
