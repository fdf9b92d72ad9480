// The funnel builder's answer (issue 18), for the signed-in browser: the same service as POST
// /api/v1/analytics/funnel, behind the session. Authorizes itself; checks Origin like every console POST, though it
// changes nothing.
import { NextResponse, type NextRequest } from "next/server";
import { assertSameOrigin } from "@/lib/actions/safe-action";
import { errorResponse, readJson } from "@/lib/api/handler";
import { getActionContext } from "@/lib/auth/session";
import { authorize } from "@/lib/authz/context";
import { getFunnel } from "@/lib/analytics/keys-service";
import { funnelInputSchema, parseFunnelInput } from "@/lib/analytics/params";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest, { params }: { params: Promise<{ org: string }> }) {
  try {
    await assertSameOrigin();
    const { org } = await params;
    const ctx = await getActionContext(org);
    authorize(ctx, "analytics.view");
    const body = await getFunnel(ctx, parseFunnelInput(await readJson(req, funnelInputSchema)));
    return NextResponse.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    return errorResponse(e);
  }
}
