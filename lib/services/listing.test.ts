import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, miniProgramMedia, miniProgramPrivacy } from "@/db/schema";
import { getBlobStore } from "@/lib/blobs";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { sweepOrphanBlobs } from "@/lib/blobs/sweep";
import { AppError } from "@/lib/errors";
import { sniffImage } from "@/lib/listing/image";
import { solidPng } from "@/lib/listing/testing";
import { useSeededDb } from "@/test/seeded";
import { addListingImage, getListing, getReviewListing, readListingImage, removeListingImage, setPrivacyDeclaration, unexplainedPermissions } from "./listing";
import { getMiniProgram } from "./mini-programs";

withTempBlobStore();
const s = useSeededDb();
const APP = "com.demo.coupons";

async function errorOf(p: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  try {
    await p;
    return { code: "ok" };
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, details: e.details };
    throw e;
  }
}

/** What a refused change must leave as it was: listing rows, audit entries and stored blobs. */
async function snapshot() {
  const db = (await s.as("owner")).db;
  const blobs: string[] = [];
  for await (const b of getBlobStore().list()) blobs.push(b.sha256);
  return {
    media: await db.select().from(miniProgramMedia),
    privacy: await db.select().from(miniProgramPrivacy),
    audit: (await db.select({ id: auditLog.id }).from(auditLog)).length,
    blobs: blobs.sort(),
  };
}

const jpegHeader = (w: number, h: number) =>
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xc0, 0x00, 0x11, 8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);

describe("image sniffing", () => {
  it("reads PNG, JPEG and WebP sizes from their bytes and refuses the rest", () => {
    expect(sniffImage(solidPng(128, 96))).toEqual({ mime: "image/png", width: 128, height: 96 });
    expect(sniffImage(jpegHeader(300, 200))).toEqual({ mime: "image/jpeg", width: 300, height: 200 });
    const vp8l = Buffer.alloc(30);
    vp8l.write("RIFF", 0, "latin1");
    vp8l.write("WEBPVP8L", 8, "latin1");
    vp8l[20] = 0x2f;
    vp8l.writeUInt32LE((64 - 1) | ((32 - 1) << 14), 21);
    expect(sniffImage(vp8l)).toEqual({ mime: "image/webp", width: 64, height: 32 });
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull();
    expect(sniffImage(Buffer.from("GIF89a\x01\x00\x01\x00"))).toBeNull();
    expect(sniffImage(solidPng(128, 96).subarray(0, 20))).toBeNull();
  });
});

describe("listing images", () => {
  it("stores a valid icon in the blob store, replaces it, serves it and audits each change", async () => {
    const dev = await s.as("developer");
    const png = solidPng(128, 128);
    const icon = await addListingImage(dev, APP, "icon", png);
    expect(icon).toMatchObject({ kind: "icon", mime: "image/png", width: 128, height: 128, bytes: png.length });
    expect(await getBlobStore().has(icon.sha256)).toBe(true);
    const served = await readListingImage(await s.as("analyst"), APP, icon.id);
    expect(served.mime).toBe("image/png");
    expect(served.bytes.equals(png)).toBe(true);

    const next = await addListingImage(dev, APP, "icon", solidPng(64, 64, [200, 0, 0]));
    const listing = await getListing(dev, APP);
    expect(listing.icon?.id).toBe(next.id);
    const audit = await dev.db.select().from(auditLog).where(eq(auditLog.action, "mini_program.listing_image_add")).orderBy(auditLog.id);
    expect(audit).toHaveLength(2);
    expect(audit[1]!.changes).toMatchObject({ appId: APP, kind: "icon", sha256: next.sha256, replaced: icon.sha256 });
    expect(audit[1]!.actorLabel).toBe("developer@demo.test");
    // The API's `icon` field is unchanged by the listing.
    expect((await getMiniProgram(dev, APP)).icon).toBeNull();
  });

  it.each<[string, "icon" | "screenshot", () => Buffer, string]>([
    ["an SVG", "icon", () => Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><script>alert(1)</script></svg>'), "not_an_image"],
    ["a text file", "screenshot", () => Buffer.from("hello, this is not an image"), "not_an_image"],
    ["an empty file", "screenshot", () => Buffer.alloc(0), "empty"],
    ["an icon over 256 KiB", "icon", () => Buffer.concat([solidPng(128, 128), Buffer.alloc(256 * 1024)]), "too_large"],
    ["a screenshot over 2 MiB", "screenshot", () => Buffer.concat([solidPng(400, 800), Buffer.alloc(2 * 1024 * 1024)]), "too_large"],
    ["a non-square icon", "icon", () => solidPng(128, 96), "not_square"],
    ["a too small icon", "icon", () => solidPng(32, 32), "bad_dimensions"],
    ["a too large icon", "icon", () => jpegHeader(2048, 2048), "bad_dimensions"],
  ])("refuses %s with 422 naming the field, writing nothing", async (_label, kind, bytes, reason) => {
    const dev = await s.as("developer");
    const before = await snapshot();
    const err = await errorOf(addListingImage(dev, APP, kind, bytes()));
    expect(err.code).toBe("invalid_input");
    expect(err.details).toMatchObject({ reason, fields: { [kind]: [expect.any(String)] } });
    expect(await snapshot()).toEqual(before);
  });

  it("keeps at most five screenshots, in order, and removes one", async () => {
    const dev = await s.as("developer");
    const shots = [];
    for (let i = 0; i < 5; i++) shots.push(await addListingImage(dev, APP, "screenshot", solidPng(90, 160, [i * 40, 0, 0])));
    expect(shots.map((x) => x.position)).toEqual([0, 1, 2, 3, 4]);
    const err = await errorOf(addListingImage(dev, APP, "screenshot", solidPng(90, 160, [0, 255, 0])));
    expect(err).toMatchObject({ code: "invalid_input", details: { reason: "too_many", fields: { screenshot: [expect.any(String)] } } });
    await removeListingImage(dev, APP, shots[2]!.id);
    expect((await getListing(dev, APP)).screenshots.map((x) => x.id)).toEqual([shots[0]!.id, shots[1]!.id, shots[3]!.id, shots[4]!.id]);
    const [removed] = await dev.db.select().from(auditLog).where(eq(auditLog.action, "mini_program.listing_image_remove"));
    expect(removed!.changes).toMatchObject({ appId: APP, kind: "screenshot", sha256: shots[2]!.sha256 });
    expect((await errorOf(removeListingImage(dev, APP, shots[2]!.id))).code).toBe("not_found");
  });

  it("the orphan sweep keeps listing images", async () => {
    const dev = await s.as("developer");
    const icon = await addListingImage(dev, APP, "icon", solidPng(128, 128));
    await sweepOrphanBlobs(dev.db, getBlobStore(), { minAgeMs: 0, now: Date.now() + 1000 });
    expect(await getBlobStore().has(icon.sha256)).toBe(true);
  });

  it("answers not_found to a developer who does not collaborate on the mini-program, and forbidden to readers", async () => {
    const dev = await s.as("developer");
    const before = await snapshot();
    expect((await errorOf(addListingImage(dev, "com.demo.weather", "icon", solidPng(128, 128)))).code).toBe("not_found");
    expect((await errorOf(setPrivacyDeclaration(dev, "com.demo.weather", { rows: [] }))).code).toBe("not_found");
    expect((await errorOf(getListing(dev, "com.demo.weather"))).code).toBe("not_found");
    expect((await errorOf(addListingImage(await s.as("reviewer"), APP, "icon", solidPng(128, 128)))).code).toBe("forbidden");
    expect((await errorOf(addListingImage(await s.as("analyst"), APP, "icon", solidPng(128, 128)))).code).toBe("forbidden");
    expect(await snapshot()).toEqual(before);
  });
});

describe("privacy declaration", () => {
  it("saves rows per permission and audits before and after", async () => {
    const dev = await s.as("developer");
    const rows = [{ permission: "location", data: "Approximate position", purpose: "Find nearby stores" }];
    expect(await setPrivacyDeclaration(dev, APP, { rows })).toEqual(rows);
    const next = [...rows, { permission: "camera", data: "Photos of receipts", purpose: "Scan coupons" }];
    await setPrivacyDeclaration(dev, APP, { rows: next });
    expect((await getListing(await s.as("reviewer"), APP)).privacy).toEqual(next);
    const audit = await dev.db.select().from(auditLog).where(eq(auditLog.action, "mini_program.privacy_update")).orderBy(auditLog.id);
    expect(audit).toHaveLength(2);
    expect(audit[1]!.changes).toMatchObject({ appId: APP, rows: { from: rows, to: next } });
  });

  it.each<[string, unknown]>([
    ["an unknown permission", [{ permission: "telepathy", data: "Thoughts", purpose: "Fun" }]],
    ["a text over 500 characters", [{ permission: "location", data: "x".repeat(501), purpose: "Maps" }]],
    ["an empty purpose", [{ permission: "location", data: "Position", purpose: "  " }]],
    ["more than 11 rows", Array.from({ length: 12 }, (_, i) => ({ permission: "location", data: `d${i}`, purpose: "p" }))],
    ["a permission twice", [{ permission: "camera", data: "a", purpose: "b" }, { permission: "camera", data: "c", purpose: "d" }]],
    ["an extra key", [{ permission: "camera", data: "a", purpose: "b", html: "<b>" }]],
  ])("refuses %s with 422, writing nothing", async (_label, rows) => {
    const before = await snapshot();
    const err = await errorOf(setPrivacyDeclaration(await s.as("developer"), APP, { rows } as never));
    expect(err).toMatchObject({ code: "invalid_input", details: { reason: "privacy_invalid" } });
    expect(await snapshot()).toEqual(before);
  });

  it("computes the permissions a version declares that the declaration does not explain", async () => {
    const dev = await s.as("developer");
    await setPrivacyDeclaration(dev, APP, { rows: [{ permission: "location", data: "Position", purpose: "Nearby stores" }] });
    const mp = await getMiniProgram(dev, APP);
    const review = await getReviewListing(await s.as("reviewer"), mp.id, ["location", "camera", "payment"]);
    expect(review.unexplained).toEqual(["camera", "payment"]);
    expect(unexplainedPermissions([], [])).toEqual([]);
  });
});
