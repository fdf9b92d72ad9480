"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { createWebhookEndpoint, createWebhookInput, deleteWebhookEndpoint, resendWebhookDelivery, sendTestEvent, setWebhookEndpointActive } from "@/lib/services/webhooks";

const endpointRef = z.object({ endpointId: z.string().min(1).max(64) });

export const createWebhookAction = orgAction({ name: "webhooks.create", permission: "settings.manage", input: createWebhookInput }, async (ctx, input) => {
  const { endpoint, secret } = await createWebhookEndpoint(ctx, input);
  return { id: endpoint.id, secret };
});

export const setWebhookActiveAction = orgAction(
  { name: "webhooks.setActive", permission: "settings.manage", input: endpointRef.extend({ active: z.boolean() }) },
  async (ctx, input) => {
    const e = await setWebhookEndpointActive(ctx, input.endpointId, input.active);
    return { id: e.id, active: e.active };
  },
);

export const deleteWebhookAction = orgAction({ name: "webhooks.delete", permission: "settings.manage", input: endpointRef }, (ctx, input) =>
  deleteWebhookEndpoint(ctx, input.endpointId),
);

export const resendDeliveryAction = orgAction({ name: "webhooks.resend", permission: "settings.manage", input: z.object({ deliveryId: z.string().min(1).max(64) }) }, async (ctx, input) => {
  const d = await resendWebhookDelivery(ctx, input.deliveryId);
  return { id: d.id };
});

/** Sends a signed test event now and answers its outcome, for the page to show at once. */
export const sendTestEventAction = orgAction({ name: "webhooks.test", permission: "settings.manage", input: endpointRef }, async (ctx, input) => {
  const d = await sendTestEvent(ctx, input.endpointId);
  return { id: d.id, status: d.status, lastStatusCode: d.lastStatusCode, lastDurationMs: d.lastDurationMs, lastError: d.lastError };
});
