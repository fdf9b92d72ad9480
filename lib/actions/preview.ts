"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { startPreview } from "@/lib/services/preview";

/** Opens a sandboxed preview of a version's package: anyone who may read the version (CONTRACT §1 catalog.read). */
export const startPreviewAction = orgAction({ name: "versions.preview", permission: "catalog.read", input: z.object({ versionId: z.string().min(1).max(64) }) }, (ctx, input) =>
  startPreview(ctx, input.versionId),
);
