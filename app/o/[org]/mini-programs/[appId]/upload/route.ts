// The browser's upload endpoint: the console's session instead of an API token, so it authorizes itself
// here (same origin, signed-in member, permission) before the same service as POST /api/v1/.../versions.
// The console sends multipart/form-data (`package`, and `notes` in the body: up to 10 KiB of release notes never
// belongs in a URL, where CJK text near the limit makes a request line over Node's 16 KiB header cap); a raw
// application/zip body with `?notes=` works too, as on the API.
import { NextResponse, type NextRequest } from "next/server";
import { assertSameOrigin } from "@/lib/actions/safe-action";
import { errorResponse, readBodyBytes } from "@/lib/api/handler";
import { getActionContext } from "@/lib/auth/session";
import { authorize } from "@/lib/authz/context";
import { AppError } from "@/lib/errors";
import { MAX_PACKAGE_BYTES, parseUploadNotes, uploadVersion } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

const FORM_OVERHEAD = 64 * 1024;

export async function POST(req: NextRequest, { params }: { params: Promise<{ org: string; appId: string }> }): Promise<Response> {
  try {
    await assertSameOrigin();
    const { org, appId } = await params;
    const ctx = await getActionContext(org);
    authorize(ctx, "miniPrograms.write");
    const tooLarge = new AppError("payload_too_large", `A package may be at most ${MAX_PACKAGE_BYTES / (1024 * 1024)} MiB`, { maxBytes: MAX_PACKAGE_BYTES });
    const type = req.headers.get("content-type") ?? "";
    const multipart = type.toLowerCase().startsWith("multipart/form-data");
    // The form's own bytes (boundaries, part headers, the notes) come on top of the package.
    const limit = multipart ? MAX_PACKAGE_BYTES + FORM_OVERHEAD : MAX_PACKAGE_BYTES;
    if (Number(req.headers.get("content-length") ?? "0") > limit) throw tooLarge;
    const body = await readBodyBytes(req, limit).catch((e: unknown) => {
      throw e instanceof AppError && e.code === "payload_too_large" ? tooLarge : e;
    });
    let bytes: Buffer = body;
    let notesValue = req.nextUrl.searchParams.get("notes");
    if (multipart) {
      // Parsed from the bytes already read within the limit, never from the stream itself.
      const form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData().catch(() => {
        throw new AppError("invalid_input", "The upload form could not be read");
      });
      const file = form.get("package");
      if (!(file instanceof Blob)) throw new AppError("invalid_input", "The upload form has no package", { fields: { package: ["Choose a package"] } });
      if (file.size > MAX_PACKAGE_BYTES) throw tooLarge;
      bytes = Buffer.from(await file.arrayBuffer());
      const notes = form.get("notes");
      if (typeof notes === "string") notesValue = notes;
    }
    const notes = parseUploadNotes(notesValue);
    return NextResponse.json(await uploadVersion(ctx, appId, bytes, { notes }), { status: 201 });
  } catch (e) {
    return errorResponse(e);
  }
}
