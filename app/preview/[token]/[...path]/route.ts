// The sandboxed preview frame's requests (lib/services/preview.ts): no session cookie reaches here from the
// frame's opaque origin; the token in the path is the capability, re-checked against the live session each time.
import { servePreview } from "@/lib/services/preview";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ token: string; path: string[] }> }): Promise<Response> {
  const { token, path } = await params;
  const r = await servePreview(token, path);
  return new Response(typeof r.body === "string" ? r.body : new Uint8Array(r.body), { status: r.status, headers: r.headers });
}
