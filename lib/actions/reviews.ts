"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { approveInput, approveVersion, claimReview, otherNeedsComment, rejectFields, rejectVersion, releaseReview, revokeInput, revokeVersion } from "@/lib/services/reviews";

const versionRef = z.object({ versionId: z.string().min(1).max(64) });

export const claimReviewAction = orgAction({ name: "reviews.claim", permission: "review.decide", input: versionRef }, (ctx, input) => claimReview(ctx, input.versionId));

export const releaseReviewAction = orgAction({ name: "reviews.release", permission: "review.decide", input: versionRef }, (ctx, input) => releaseReview(ctx, input.versionId));

export const approveVersionAction = orgAction({ name: "reviews.approve", permission: "review.decide", input: versionRef.extend(approveInput.shape) }, async (ctx, input) => {
  const v = await approveVersion(ctx, input.versionId, { comment: input.comment });
  return { id: v.id, status: v.status };
});

export const rejectVersionAction = orgAction(
  { name: "reviews.reject", permission: "review.decide", input: versionRef.extend(rejectFields.shape).superRefine(otherNeedsComment) },
  async (ctx, input) => {
    const v = await rejectVersion(ctx, input.versionId, { reasons: input.reasons, comment: input.comment });
    return { id: v.id, status: v.status };
  },
);

export const revokeVersionAction = orgAction({ name: "reviews.revoke", permission: "versions.revoke", input: versionRef.extend(revokeInput.shape) }, async (ctx, input) => {
  const v = await revokeVersion(ctx, input.versionId, { reason: input.reason });
  return { id: v.id, status: v.status };
});
