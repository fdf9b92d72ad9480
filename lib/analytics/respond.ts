// `?format=csv` (or `Accept: text/csv`) on the analytics views of issue 18: the same figures as the JSON, as CSV
// through the console's one encoder. Anything else asked for in `format` is 422, not silently JSON.
import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";

export function wantsCsv(req: Request): boolean {
  const format = new URL(req.url).searchParams.get("format");
  if (format === "csv") return true;
  if (format !== null && format !== "" && format !== "json") {
    throw new AppError("invalid_input", 'format must be "json" or "csv"', { fields: { format: ['Use "json" or "csv"'] } });
  }
  if (format === "json") return false;
  return /(^|,)\s*text\/csv\b/i.test(req.headers.get("accept") ?? "");
}

/** JSON, or CSV as a download named `<name>.csv`. */
export function respond<T>(req: Request, body: T, name: string, toCsv: (b: T) => string): Response {
  if (!wantsCsv(req)) return NextResponse.json(body);
  return new Response(toCsv(body), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.csv"` },
  });
}
