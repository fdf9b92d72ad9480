// Where identity providers send the browser back (the redirect URI registered at the provider): lib/sso/flow.ts
// checks the answer and signs the person in, or sends them to the sign-in page with the reason.
import { NextResponse, type NextRequest } from "next/server";
import { finishSsoSignIn } from "@/lib/sso/flow";
import { consoleOrigin } from "@/lib/sso/urls";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  const to = await finishSsoSignIn(req.nextUrl.search);
  // 303: the next request is a plain GET of the console, whatever brought the browser here.
  return NextResponse.redirect(new URL(to, consoleOrigin(req.headers, req.url)), { status: 303, headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}
