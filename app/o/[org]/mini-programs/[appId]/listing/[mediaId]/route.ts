// A listing image (icon or screenshot) for the console. Authorizes itself (signed-in member, catalog.read, and a
// developer only for a mini-program they collaborate on); the bytes were validated as PNG, JPEG or WebP on upload
// and are served with that type, no sniffing and a CSP that lets nothing run.
import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/api/handler";
import { getActionContext } from "@/lib/auth/session";
import { authorize } from "@/lib/authz/context";
import { readListingImage } from "@/lib/services/listing";

export const dynamic = "force-dynamic";

export async function GET(_req: NextRequest, { params }: { params: Promise<{ org: string; appId: string; mediaId: string }> }): Promise<Response> {
  try {
    const { org, appId, mediaId } = await params;
    const ctx = await getActionContext(org);
    authorize(ctx, "catalog.read");
    const image = await readListingImage(ctx, appId, mediaId);
    return new Response(new Uint8Array(image.bytes), {
      headers: {
        "Content-Type": image.mime,
        "Content-Length": String(image.bytes.length),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=300",
        ETag: `"${image.sha256}"`,
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
