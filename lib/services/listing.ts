// A mini-program's listing (icon, screenshots) and privacy declaration (issue 17 item 4). Images are validated by
// their bytes before anything is stored; their bytes live in the blob store by SHA-256, their facts in
// mini_program_media. Reviewers read the declaration beside the permissions a version declares, and a permission
// the declaration does not explain is a warning computed at read time.
import { createHash } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { miniProgramMedia, miniProgramPrivacy, type MiniProgramMedia, type PrivacyRow } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { getBlobStore, readBlob } from "@/lib/blobs";
import { invalidInput, notFound } from "@/lib/errors";
import { isId, newId } from "@/lib/ids";
import { sniffImage } from "@/lib/listing/image";
import { zodFieldErrors } from "@/lib/validation";
import { PERMISSIONS, isPermission } from "@/lib/packages/catalog";
import { assertNotArchived, findReachableMiniProgram } from "./mini-programs";

const KiB = 1024;
export const LISTING_LIMITS = {
  iconMaxBytes: 256 * KiB,
  iconMinPx: 64,
  iconMaxPx: 1024,
  screenshotMaxBytes: 2 * 1024 * KiB,
  maxScreenshots: 5,
  privacyTextMax: 500,
  privacyMaxRows: PERMISSIONS.length,
} as const;

export type MediaKind = "icon" | "screenshot";

export type MediaJson = { id: string; kind: MediaKind; position: number; sha256: string; mime: string; width: number; height: number; bytes: number };
export type ListingJson = { icon: MediaJson | null; screenshots: MediaJson[]; privacy: PrivacyRow[] };

function mediaToJson(m: MiniProgramMedia): MediaJson {
  return { id: m.id, kind: m.kind, position: m.position, sha256: m.sha256, mime: m.mime, width: m.width, height: m.height, bytes: m.bytes };
}

const fieldError = (field: string, message: string, reason: string) => invalidInput(message, { reason, fields: { [field]: [message] } });

/** Checks an upload for its kind; the image facts on success, a 422 naming the field otherwise. */
export function validateListingImage(kind: MediaKind, bytes: Buffer) {
  const field = kind;
  const max = kind === "icon" ? LISTING_LIMITS.iconMaxBytes : LISTING_LIMITS.screenshotMaxBytes;
  if (bytes.length === 0) throw fieldError(field, "Choose an image file", "empty");
  if (bytes.length > max) throw fieldError(field, `The image is larger than ${max / KiB} KiB`, "too_large");
  const info = sniffImage(bytes);
  if (!info) throw fieldError(field, "Use a PNG, JPEG or WebP image (SVG and other files are refused)", "not_an_image");
  if (kind === "icon") {
    if (info.width !== info.height) throw fieldError(field, "The icon must be square", "not_square");
    if (info.width < LISTING_LIMITS.iconMinPx || info.width > LISTING_LIMITS.iconMaxPx)
      throw fieldError(field, `The icon must be ${LISTING_LIMITS.iconMinPx} to ${LISTING_LIMITS.iconMaxPx} pixels wide`, "bad_dimensions");
  }
  return info;
}

const privacyText = (what: string) =>
  z.string().trim().min(1, `Describe the ${what}`).max(LISTING_LIMITS.privacyTextMax, `At most ${LISTING_LIMITS.privacyTextMax} characters`);

export const privacyDeclarationInput = z.object({
  rows: z
    .array(
      z
        .object({
          permission: z.string().refine(isPermission, "Unknown permission"),
          data: privacyText("personal data collected"),
          purpose: privacyText("purpose"),
        })
        .strict(),
    )
    .max(LISTING_LIMITS.privacyMaxRows, `At most ${LISTING_LIMITS.privacyMaxRows} rows`)
    .refine((rows) => new Set(rows.map((r) => r.permission)).size === rows.length, "Each permission at most once"),
});
export type PrivacyDeclarationInput = z.output<typeof privacyDeclarationInput>;

async function loadListing(ctx: OrgContext, miniProgramId: string): Promise<ListingJson> {
  const media = await ctx.db
    .select()
    .from(miniProgramMedia)
    .where(and(eq(miniProgramMedia.orgId, ctx.org.id), eq(miniProgramMedia.miniProgramId, miniProgramId)))
    .orderBy(asc(miniProgramMedia.position), asc(miniProgramMedia.id));
  const [privacy] = await ctx.db
    .select({ rows: miniProgramPrivacy.rows })
    .from(miniProgramPrivacy)
    .where(and(eq(miniProgramPrivacy.orgId, ctx.org.id), eq(miniProgramPrivacy.miniProgramId, miniProgramId)));
  const icon = media.find((m) => m.kind === "icon");
  return { icon: icon ? mediaToJson(icon) : null, screenshots: media.filter((m) => m.kind === "screenshot").map(mediaToJson), privacy: privacy?.rows ?? [] };
}

export async function getListing(ctx: OrgContext, appId: string): Promise<ListingJson> {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  return loadListing(ctx, mp.id);
}

/** The listing of a mini-program by its id, for a reader already authorized to see it (the review page). */
export async function getListingByMiniProgramId(ctx: OrgContext, miniProgramId: string): Promise<ListingJson> {
  authorize(ctx, "catalog.read");
  return loadListing(ctx, miniProgramId);
}

/** Sets the icon (replacing any) or adds a screenshot. Validated before anything is stored. */
export async function addListingImage(ctx: OrgContext, appId: string, kind: MediaKind, bytes: Buffer): Promise<MediaJson> {
  authorize(ctx, "miniPrograms.write");
  const mp = await findReachableMiniProgram(ctx, appId);
  const info = validateListingImage(kind, bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return ctx.db.transaction(async (tx) => {
    await assertNotArchived(tx, ctx.org.id, mp.id, "edited");
    const existing = await tx
      .select()
      .from(miniProgramMedia)
      .where(and(eq(miniProgramMedia.orgId, ctx.org.id), eq(miniProgramMedia.miniProgramId, mp.id), eq(miniProgramMedia.kind, kind)));
    let replaced: MiniProgramMedia | undefined;
    if (kind === "icon") {
      replaced = existing[0];
      if (replaced) await tx.delete(miniProgramMedia).where(and(eq(miniProgramMedia.orgId, ctx.org.id), eq(miniProgramMedia.miniProgramId, mp.id), eq(miniProgramMedia.kind, "icon")));
    } else if (existing.length >= LISTING_LIMITS.maxScreenshots) {
      throw fieldError("screenshot", `At most ${LISTING_LIMITS.maxScreenshots} screenshots; remove one first`, "too_many");
    }
    // The blob is stored inside the transaction's span: a failure after it leaves only an orphan the sweep removes.
    await getBlobStore().put(sha256, bytes);
    const position = kind === "icon" ? 0 : Math.max(-1, ...existing.map((m) => m.position)) + 1;
    const [row] = await tx
      .insert(miniProgramMedia)
      .values({ orgId: ctx.org.id, id: newId("med"), miniProgramId: mp.id, kind, position, sha256, mime: info.mime, width: info.width, height: info.height, bytes: bytes.length, createdBy: ctx.actor.userId })
      .returning();
    await recordAudit(tx, ctx, {
      action: "mini_program.listing_image_add",
      objectType: "mini_program",
      objectId: mp.id,
      changes: { appId: mp.appId, kind, sha256, mime: info.mime, width: info.width, height: info.height, bytes: bytes.length, ...(replaced ? { replaced: replaced.sha256 } : {}) },
    });
    return mediaToJson(row!);
  });
}

export async function removeListingImage(ctx: OrgContext, appId: string, mediaId: string): Promise<void> {
  authorize(ctx, "miniPrograms.write");
  if (!isId("med", mediaId)) throw notFound("Image");
  await ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    await assertNotArchived(tx, ctx.org.id, mp.id, "edited");
    const [row] = await tx
      .delete(miniProgramMedia)
      .where(and(eq(miniProgramMedia.orgId, ctx.org.id), eq(miniProgramMedia.miniProgramId, mp.id), eq(miniProgramMedia.id, mediaId)))
      .returning();
    if (!row) throw notFound("Image");
    await recordAudit(tx, ctx, { action: "mini_program.listing_image_remove", objectType: "mini_program", objectId: mp.id, changes: { appId: mp.appId, kind: row.kind, sha256: row.sha256 } });
  });
}

export async function setPrivacyDeclaration(ctx: OrgContext, appId: string, raw: z.input<typeof privacyDeclarationInput>): Promise<PrivacyRow[]> {
  authorize(ctx, "miniPrograms.write");
  const parsed = privacyDeclarationInput.safeParse(raw);
  if (!parsed.success) throw invalidInput("The privacy declaration needs attention", { reason: "privacy_invalid", fields: zodFieldErrors(parsed.error) });
  const input = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    await assertNotArchived(tx, ctx.org.id, mp.id, "edited");
    const [before] = await tx
      .select({ rows: miniProgramPrivacy.rows })
      .from(miniProgramPrivacy)
      .where(and(eq(miniProgramPrivacy.orgId, ctx.org.id), eq(miniProgramPrivacy.miniProgramId, mp.id)));
    const rows = input.rows.map((r) => ({ permission: r.permission, data: r.data, purpose: r.purpose }));
    await tx
      .insert(miniProgramPrivacy)
      .values({ orgId: ctx.org.id, miniProgramId: mp.id, rows, updatedBy: ctx.actor.userId })
      .onConflictDoUpdate({ target: [miniProgramPrivacy.orgId, miniProgramPrivacy.miniProgramId], set: { rows, updatedBy: ctx.actor.userId, updatedAt: new Date() } });
    await recordAudit(tx, ctx, { action: "mini_program.privacy_update", objectType: "mini_program", objectId: mp.id, changes: { appId: mp.appId, rows: { from: before?.rows ?? [], to: rows } } });
    return rows;
  });
}

/** One stored listing image's bytes, for the console's image route. */
export async function readListingImage(ctx: OrgContext, appId: string, mediaId: string): Promise<{ bytes: Buffer; mime: string; sha256: string }> {
  authorize(ctx, "catalog.read");
  if (!isId("med", mediaId)) throw notFound("Image");
  const mp = await findReachableMiniProgram(ctx, appId);
  const [row] = await ctx.db
    .select()
    .from(miniProgramMedia)
    .where(and(eq(miniProgramMedia.orgId, ctx.org.id), eq(miniProgramMedia.miniProgramId, mp.id), eq(miniProgramMedia.id, mediaId)));
  if (!row) throw notFound("Image");
  const bytes = await readBlob(getBlobStore(), row.sha256, LISTING_LIMITS.screenshotMaxBytes);
  if (!bytes) throw notFound("Image");
  return { bytes, mime: row.mime, sha256: row.sha256 };
}

/** The permissions a version declares that the privacy declaration does not explain (the `undeclared_privacy` warning). */
export function unexplainedPermissions(declared: readonly string[], privacy: readonly PrivacyRow[]): string[] {
  const explained = new Set(privacy.map((r) => r.permission));
  return declared.filter((p) => !explained.has(p));
}

export type ReviewListing = ListingJson & { unexplained: string[] };

/** The listing shown beside a version under review, and the permissions it declares that the declaration does not explain. */
export async function getReviewListing(ctx: OrgContext, miniProgramId: string, declaredPermissions: readonly string[]): Promise<ReviewListing> {
  const listing = await getListingByMiniProgramId(ctx, miniProgramId);
  return { ...listing, unexplained: unexplainedPermissions(declaredPermissions, listing.privacy) };
}
