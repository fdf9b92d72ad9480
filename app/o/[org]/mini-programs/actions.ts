"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import {
  addCollaborator,
  appIdSchema,
  collaboratorInput,
  createMiniProgram,
  createMiniProgramInput,
  removeCollaborator,
  removeCollaboratorInput,
  updateMiniProgram,
  updateMiniProgramInput,
} from "@/lib/services/mini-programs";
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
