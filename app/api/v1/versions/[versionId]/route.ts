import { apiRoute, readJson } from "@/lib/api/handler";
import { getVersion, updateNotesInput, updateVersionNotes } from "@/lib/services/versions";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ versionId: string }>({ method: "GET", path: "/api/v1/versions/{versionId}", permission: "catalog.read" }, (ctx, _req, p) =>
  getVersion(ctx, p.versionId),
);

/** `{"notes"}`: release notes (Markdown, at most 10 KiB) while draft or in review; else 409 (CONTRACT §13). */
export const PATCH = apiRoute<{ versionId: string }>({ method: "PATCH", path: "/api/v1/versions/{versionId}", permission: "miniPrograms.write" }, async (ctx, req, p) =>
  updateVersionNotes(ctx, p.versionId, await readJson(req, updateNotesInput)),
);
