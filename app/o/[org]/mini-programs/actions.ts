"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import {
  addCollaborator,
  appIdSchema,
  archiveMiniProgram,
  collaboratorInput,
  createMiniProgram,
  createMiniProgramInput,
  deleteMiniProgram,
  removeCollaborator,
  removeCollaboratorInput,
  restoreMiniProgram,
  updateMiniProgram,
  updateMiniProgramInput,
} from "@/lib/services/mini-programs";
import { LISTING_LIMITS, addListingImage, privacyDeclarationInput, removeListingImage, setPrivacyDeclaration } from "@/lib/services/listing";
import { submitVersion, withdrawVersion } from "@/lib/services/versions";

const appIdRef = z.object({ appId: appIdSchema });
const versionRef = z.object({ versionId: z.string().min(1).max(64) });

export const createMiniProgramAction = orgAction(
  { name: "miniPrograms.create", permission: "miniPrograms.write", input: createMiniProgramInput },
  async (ctx, input) => {
    const mp = await createMiniProgram(ctx, input);
    return { appId: mp.appId };
  },
);

export const updateMiniProgramAction = orgAction(
  { name: "miniPrograms.update", permission: "miniPrograms.write", input: appIdRef.extend({ patch: updateMiniProgramInput }) },
  (ctx, input) => updateMiniProgram(ctx, input.appId, input.patch),
);

export const addCollaboratorAction = orgAction(
  { name: "collaborators.add", permission: "collaborators.manage", input: appIdRef.extend(collaboratorInput.shape) },
  (ctx, input) => addCollaborator(ctx, input.appId, { email: input.email }),
);

export const removeCollaboratorAction = orgAction(
  { name: "collaborators.remove", permission: "collaborators.manage", input: appIdRef.extend(removeCollaboratorInput.shape) },
  (ctx, input) => removeCollaborator(ctx, input.appId, { userId: input.userId }),
);

export const submitVersionAction = orgAction({ name: "versions.submit", permission: "miniPrograms.write", input: versionRef }, async (ctx, input) => {
  const v = await submitVersion(ctx, input.versionId);
  return { id: v.id, status: v.status };
});

export const withdrawVersionAction = orgAction({ name: "versions.withdraw", permission: "miniPrograms.write", input: versionRef }, async (ctx, input) => {
  const v = await withdrawVersion(ctx, input.versionId);
  return { id: v.id, status: v.status };
});

// ---- listing and privacy ----

// An image arrives base64-encoded (server actions take JSON-safe input); the service validates its bytes.
const imageInput = appIdRef.extend({
  kind: z.enum(["icon", "screenshot"]),
  data: z.string().max(Math.ceil((LISTING_LIMITS.screenshotMaxBytes + 1024) / 3) * 4, "The image is too large").regex(/^[A-Za-z0-9+/]*={0,2}$/, "Not base64"),
});

export const addListingImageAction = orgAction(
  { name: "listing.addImage", permission: "miniPrograms.write", input: imageInput },
  (ctx, input) => addListingImage(ctx, input.appId, input.kind, Buffer.from(input.data, "base64")),
);

export const removeListingImageAction = orgAction(
  { name: "listing.removeImage", permission: "miniPrograms.write", input: appIdRef.extend({ mediaId: z.string().min(1).max(64) }) },
  (ctx, input) => removeListingImage(ctx, input.appId, input.mediaId),
);

export const setPrivacyDeclarationAction = orgAction(
  { name: "listing.setPrivacy", permission: "miniPrograms.write", input: appIdRef.extend(privacyDeclarationInput.shape) },
  (ctx, input) => setPrivacyDeclaration(ctx, input.appId, { rows: input.rows }),
);

// ---- lifecycle (issue 20): owners and admins ----

export const archiveMiniProgramAction = orgAction({ name: "miniPrograms.archive", permission: "miniPrograms.lifecycle", input: appIdRef }, async (ctx, input) => {
  const mp = await archiveMiniProgram(ctx, input.appId);
  return { appId: mp.appId, status: mp.status };
});

export const restoreMiniProgramAction = orgAction({ name: "miniPrograms.restore", permission: "miniPrograms.lifecycle", input: appIdRef }, async (ctx, input) => {
  const mp = await restoreMiniProgram(ctx, input.appId);
  return { appId: mp.appId, status: mp.status };
});

export const deleteMiniProgramAction = orgAction({ name: "miniPrograms.delete", permission: "miniPrograms.lifecycle", input: appIdRef }, async (ctx, input) => {
  const mp = await deleteMiniProgram(ctx, input.appId);
  return { appId: mp.appId, deleted: true };
});
