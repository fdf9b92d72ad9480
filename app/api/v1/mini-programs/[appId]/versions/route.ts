import { apiRoute, created, parseListParams, readBodyBytes } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { listVersions, MAX_PACKAGE_BYTES, parseUploadNotes, uploadVersion } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

type P = { appId: string };

export const GET = apiRoute<P>({ method: "GET", path: "/api/v1/mini-programs/{appId}/versions", permission: "catalog.read" }, (ctx, req, p) =>
  listVersions(ctx, p.appId, parseListParams(req)),
);

/**
 * The body is the package itself (`application/zip`): 201 with the version and its report, or 422 with the report.
 * `?notes=` sets the release notes at once (at most 10 KiB; longer URLs are better sent with PATCH afterwards).
 */
export const POST = apiRoute<P>({ method: "POST", path: "/api/v1/mini-programs/{appId}/versions", permission: "miniPrograms.write", maxBodyBytes: MAX_PACKAGE_BYTES }, async (ctx, req, p) => {
  const notes = parseUploadNotes(req.nextUrl.searchParams.get("notes"));
  // Refused before reading when the client says it is too big; otherwise counted while reading.
  if (Number(req.headers.get("content-length") ?? "0") > MAX_PACKAGE_BYTES) throw tooLarge();
  const bytes = await readBodyBytes(req, MAX_PACKAGE_BYTES).catch((e: unknown) => {
    throw e instanceof AppError && e.code === "payload_too_large" ? tooLarge() : e;
  });
  return created(await uploadVersion(ctx, p.appId, bytes, { notes }));
});

function tooLarge(): AppError {
  return new AppError("payload_too_large", `A package may be at most ${MAX_PACKAGE_BYTES / (1024 * 1024)} MiB`, { maxBytes: MAX_PACKAGE_BYTES });
}
