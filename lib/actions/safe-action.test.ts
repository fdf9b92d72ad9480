// orgAction's own layers, in order: Origin, session and membership, permission, unsafe text, validation.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

const state = vi.hoisted(() => ({ origin: "https://console.test" as string | null, role: "admin" as string }));

vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "console.test", ...(state.origin ? { origin: state.origin } : {}) }),
}));
vi.mock("@/lib/auth/session", () => ({
  getActionContext: async () => ({ role: state.role, org: { id: "org_1", slug: "demo" } }),
}));
vi.mock("@/lib/authz/context", () => ({
  authorize: (ctx: { role: string }, permission: string) => {
    if (permission === "hosts.manage" && !["owner", "admin"].includes(ctx.role)) throw Object.assign(new Error("no"), { code: "forbidden" });
  },
}));

const { orgAction } = await import("./safe-action");
const handler = vi.fn(async (_ctx: unknown, input: { name: string; tags: string[] }) => ({ saved: input.name }));
const action = orgAction({ name: "test.save", permission: "hosts.manage", input: z.object({ name: z.string().max(20), tags: z.array(z.string()) }) }, handler);

beforeEach(() => {
  state.origin = "https://console.test";
  state.role = "admin";
  handler.mockClear();
});

describe("orgAction", () => {
  it("runs the handler with the parsed input", async () => {
    expect(await action("demo", { name: "ok", tags: [] })).toEqual({ ok: true, data: { saved: "ok" } });
  });

  it.each([
    ["NUL in a value", { name: "a\u0000b", tags: [] }, "name"],
    ["a lone surrogate deep in an array", { name: "ok", tags: ["x", "\ud800"] }, "tags.1"],
    ["a __proto__ key", JSON.parse('{"name":"ok","tags":[],"__proto__":{"admin":true}}'), "__proto__"],
  ])("refuses %s as invalid_input naming the field, without calling the handler", async (_label, input, field) => {
    const r = await action("demo", input);
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect(r.ok ? {} : r.error.fieldErrors).toHaveProperty([field]);
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses a foreign Origin before anything else", async () => {
    state.origin = "https://evil.test";
    expect(await action("demo", { name: "a\u0000", tags: [] })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(handler).not.toHaveBeenCalled();
  });
});
