"use server";
// The console's permission-request actions (CONTRACT §12): thin wrappers over lib/services/permission-requests.ts,
// which authorizes again (collaborators only, for developers), checks the state and audits.
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import {
  approvePermissionRequest,
  createPermissionRequest,
  createPermissionRequestInput,
  decidePermissionRequestInput,
  rejectPermissionRequest,
} from "@/lib/services/permission-requests";

const id = z.string().min(1).max(64);

export const createPermissionRequestAction = orgAction(
  { name: "permissionRequests.create", permission: "miniPrograms.write", input: createPermissionRequestInput.extend({ hostId: id }) },
  async (ctx, { hostId, ...input }) => {
    const r = await createPermissionRequest(ctx, hostId, input);
    return { id: r.id, status: r.status, permissions: r.permissions, domains: r.domains };
  },
);

export const approvePermissionRequestAction = orgAction(
  { name: "permissionRequests.approve", permission: "hosts.manage", input: decidePermissionRequestInput.extend({ id }) },
  async (ctx, { id: requestId, ...input }) => {
    const r = await approvePermissionRequest(ctx, requestId, input);
    return { id: r.id, status: r.status };
  },
);

export const rejectPermissionRequestAction = orgAction(
  { name: "permissionRequests.reject", permission: "hosts.manage", input: decidePermissionRequestInput.extend({ id }) },
  async (ctx, { id: requestId, ...input }) => {
    const r = await rejectPermissionRequest(ctx, requestId, input);
    return { id: r.id, status: r.status };
  },
);
