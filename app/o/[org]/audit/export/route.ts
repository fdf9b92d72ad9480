// CSV export of the filtered audit log, streamed. Authorizes itself: the page's check is not enough.
import type { NextRequest } from "next/server";
import { getActionContext } from "@/lib/auth/session";
import { authorize } from "@/lib/authz/context";
import { errorResponse } from "@/lib/api/handler";
import { auditCsv, auditFilterSchema } from "@/lib/services/audit";
import { parseQuery } from "@/lib/validation";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, { params }: { params: Promise<{ org: string }> }) {
  try {
    const { org } = await params;
    const ctx = await getActionContext(org);
    authorize(ctx, "audit.view");
    const gen = auditCsv(ctx, parseQuery(req.nextUrl.searchParams, auditFilterSchema, "Bad audit filter"));
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await gen.next();
        if (done) controller.close();
        else controller.enqueue(new TextEncoder().encode(value));
      },
    });
    return new Response(stream, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-${org}-${new Date().toISOString().slice(0, 10)}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
