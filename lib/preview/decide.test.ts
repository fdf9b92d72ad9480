import { describe, expect, it } from "vitest";
import { API_PERMISSIONS } from "@/lib/packages/catalog";
import { decidePreviewCall } from "./decide";
import { mintPreviewToken, PREVIEW_TTL_MS, readPreviewToken } from "./token";

const manifest = { permissions: ["location", "camera"], domains: ["https://api.demo.test"] };

describe("what the preview answers an mp call (issue 17 item 1)", () => {
  it.each([
    ["getLocation", {}, "answered"],
    ["scanCode", {}, "answered"],
    ["chooseImage", {}, "refused"],
    ["requestPayment", { total: 1 }, "refused"],
    ["showToast", { title: "hi" }, "answered"],
    ["request", { url: "https://api.demo.test/v1/items" }, "answered"],
    ["request", { url: "https://API.demo.test:443/v1" }, "answered"],
    ["request", { url: "https://tracker.example/collect" }, "refused"],
    ["request", { url: "http://api.demo.test/v1" }, "refused"],
    ["request", { url: "https://user:pw@api.demo.test/" }, "refused"],
    ["request", {}, "refused"],
    ["downloadFile", { url: "https://cdn.elsewhere.test/a.png" }, "refused"],
    ["wx.login", {}, "refused"],
    ["tt.getLocation", {}, "refused"],
  ])("mp.%s(%j) is %s", (api, args, outcome) => {
    expect(decidePreviewCall({ api, args }, manifest).outcome).toBe(outcome);
  });

  it("names what is missing when it refuses", () => {
    expect(decidePreviewCall({ api: "chooseImage", args: {} }, manifest)).toEqual({ outcome: "refused", reason: "undeclared_permission", permission: "album" });
    expect(decidePreviewCall({ api: "request", args: { url: "https://tracker.example/x" } }, manifest)).toEqual({ outcome: "refused", reason: "undeclared_domain", domain: "https://tracker.example" });
    expect(decidePreviewCall({ api: "wx.login", args: {} }, manifest)).toEqual({ outcome: "refused", reason: "platform_api" });
  });

  it("refuses every permissioned API when nothing is declared, and answers each once declared", () => {
    for (const [api, permission] of API_PERMISSIONS) {
      expect(decidePreviewCall({ api, args: {} }, { permissions: [], domains: [] })).toMatchObject({ outcome: "refused", permission });
      expect(decidePreviewCall({ api, args: {} }, { permissions: [permission], domains: [] }).outcome).toBe("answered");
    }
  });

  it("answers a declared domain without any network: the data says it is a preview", () => {
    const d = decidePreviewCall({ api: "request", args: { url: "https://api.demo.test/v1" } }, manifest);
    expect(d).toMatchObject({ outcome: "answered", data: { statusCode: 200, data: { preview: true } } });
  });
});

describe("the preview's capability token", () => {
  const claims = { orgId: "org_1", versionId: "ver_1", userId: "usr_1", sessionId: "ses_1" };

  it("reads back what was sealed, until it expires", () => {
    const now = 1_700_000_000_000;
    const { token, expiresAt } = mintPreviewToken(claims, now);
    expect(expiresAt).toBe(now + PREVIEW_TTL_MS);
    expect(token).toMatch(/^v1(\.[A-Za-z0-9_-]+){3}$/);
    expect(readPreviewToken(token, now + 1000)).toEqual({ ...claims, expiresAt });
    expect(readPreviewToken(token, expiresAt)).toBeNull();
  });

  it("refuses a token altered in any part, and one that is not a token", () => {
    const { token } = mintPreviewToken(claims);
    const parts = token.split(".");
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i]!;
      const flipped = [...parts];
      flipped[i] = (p[0] === "A" ? "B" : "A") + p.slice(1);
      expect(readPreviewToken(flipped.join("."))).toBeNull();
    }
    for (const bad of ["", "v1", "v1.a.b", "x".repeat(2000), "v1.a.b.c/../d", token.replaceAll(".", ":")]) expect(readPreviewToken(bad)).toBeNull();
  });

  it("does not show its claims to whoever holds it", () => {
    const { token } = mintPreviewToken(claims);
    const decoded = token.split(".").map((p) => Buffer.from(p, "base64url").toString("latin1")).join(" ");
    expect(decoded).not.toContain("org_1");
    expect(decoded).not.toContain("ses_1");
  });
});
