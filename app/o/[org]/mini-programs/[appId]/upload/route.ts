// The browser's upload endpoint: the console's session instead of an API token, so it authorizes itself
// here (same origin, signed-in member, permission) before the same service as POST /api/v1/.../versions.
import { NextResponse, type NextRequest } from "next/server";
import { assertSameOrigin } from "@/lib/actions/safe-action";
import { errorResponse, readBodyBytes } from "@/lib/api/handler";
import { getActionContext } from "@/lib/auth/session";
import { authorize } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { MAX_PACKAGE_BYTES, parseUploadNotes, uploadVersion } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest, { params }: { params: Promise<{ org: string; appId: string }> }): Promise<Response> {
  try {
    await assertSameOrigin();
    const { org, appId } = await params;
    const ctx = await getActionContext(org);
    authorize(ctx, "miniPrograms.write");
    const notes = parseUploadNotes(req.nextUrl.searchParams.get("notes"));
    const tooLarge = new AppError("payload_too_large", `A package may be at most ${MAX_PACKAGE_BYTES / (1024 * 1024)} MiB`, { maxBytes: MAX_PACKAGE_BYTES });
    if (Number(req.headers.get("content-length") ?? "0") > MAX_PACKAGE_BYTES) throw tooLarge;
    const bytes = await readBodyBytes(req, MAX_PACKAGE_BYTES).catch((e: unknown) => {
      throw e instanceof AppError && e.code === "payload_too_large" ? tooLarge : e;
    });
    return NextResponse.json(await uploadVersion(ctx, appId, bytes, { notes }), { status: 201 });
  } catch (e) {
    return errorResponse(e);
  }
}
