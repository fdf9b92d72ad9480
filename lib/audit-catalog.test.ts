// The audit log reads as words: every action a service writes has a label in both languages, and each entry's
// `changes` becomes a before → after list.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ASSIGNMENT_ACTIONS } from "@/db/schema";
import { LOCALES } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES, changeRows, humanizeCode } from "./audit-catalog";

const root = path.resolve(import.meta.dirname, "..");

function writtenActions(): Set<string> {
  const found = new Set<string>();
  for (const dir of ["lib", "db", "app"]) {
    for (const f of fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]) {
      if (!/\.tsx?$/.test(f) || /\.test\.tsx?$/.test(f)) continue;
      const src = fs.readFileSync(path.join(root, dir, f), "utf8");
      if (!/record(System)?Audit\(|audit\(/.test(src)) continue;
      for (const m of src.matchAll(/action: "([a-z_]+\.[a-z_]+)"/g)) found.add(m[1]!);
      for (const m of src.matchAll(/(?:action: |audit\()[^,\n]*\? "([a-z_]+\.[a-z_]+)" : "([a-z_]+\.[a-z_]+)"/g)) {
        found.add(m[1]!);
        found.add(m[2]!);
      }
      for (const m of src.matchAll(/audit\("([a-z_]+\.[a-z_]+)"/g)) found.add(m[1]!);
      if (src.includes("`assignment.${")) ASSIGNMENT_ACTIONS.forEach((a) => found.add(`assignment.${a}`));
      if (src.includes("`version.${verb}`")) ["version.approve", "version.reject"].forEach((a) => found.add(a));
    }
  }
  return found;
}

describe("audit action catalog", () => {
  it("knows every action the services write", () => {
    const written = [...writtenActions()].filter((a) => a !== "test.entry");
    expect(written.length).toBeGreaterThan(20);
    expect(written.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it.each(LOCALES)("has a label for every action and object type in %s", async (locale) => {
    const m = (await loadMessages(locale)).audit as { actions: Record<string, Record<string, string>>; objects: Record<string, string> };
    const missing = AUDIT_ACTIONS.filter((a) => {
      const [group, verb] = a.split(".");
      return !m.actions[group!]?.[verb!];
    });
    expect(missing).toEqual([]);
    expect(AUDIT_OBJECT_TYPES.filter((o) => !m.objects[o])).toEqual([]);
  });

  it("humanizes an action newer than the catalogs instead of showing nothing", () => {
    expect(humanizeCode("sso.update_settings")).toBe("Sso: update settings");
  });
});

describe("changeRows", () => {
  it("reads a version transition as its status before and after, without repeating the object", () => {
    expect(changeRows({ action: "version.submit", objectType: "version", changes: { appId: "com.demo.coupons", version: "1.2.0", from: "draft", to: "in_review" } })).toEqual([
      { kind: "change", field: "status", before: "draft", after: "in_review" },
    ]);
  });

  it("reads a role change as the role", () => {
    expect(changeRows({ action: "member.role_change", objectType: "member", changes: { email: "a@demo.test", from: "developer", to: "admin" } })).toEqual([
      { kind: "change", field: "role", before: "developer", after: "admin" },
      { kind: "fact", field: "email", value: "a@demo.test" },
    ]);
  });

  it("reads an assignment's state field by field, only what changed", () => {
    const v = (version: string) => ({ versionId: `ver_${version}`, version });
    expect(
      changeRows({
        action: "assignment.rollout",
        objectType: "assignment",
        changes: { hostId: "hst_1", appId: "com.demo.coupons", from: { rolloutPercent: 5, candidate: v("1.1.1") }, to: { rolloutPercent: 20, candidate: v("1.1.1") } },
      }),
    ).toEqual([{ kind: "change", field: "rolloutPercent", before: 5, after: 20 }]);
    expect(changeRows({ action: "assignment.assign", objectType: "assignment", changes: { hostId: "h", appId: "a", from: null, to: { stable: v("1.0.0") } } })).toEqual([
      { kind: "change", field: "stable", before: null, after: v("1.0.0") },
    ]);
  });

  it("reads a diff of fields (host edits, policy) as one row per field", () => {
    expect(
      changeRows({ action: "host.policy_update", objectType: "host_app", changes: { allowedPermissions: { from: ["location"], to: ["location", "camera"] }, minSdkVersion: { from: null, to: "2.0.0" } } }),
    ).toEqual([
      { kind: "change", field: "allowedPermissions", before: ["location"], after: ["location", "camera"] },
      { kind: "change", field: "minSdkVersion", before: null, after: "2.0.0" },
    ]);
  });

  it("lists the facts of a creation, and nothing for no changes", () => {
    expect(changeRows({ action: "token.create", objectType: "api_token", changes: { name: "CI", scope: "role", expiresAt: null } })).toEqual([
      { kind: "fact", field: "name", value: "CI" },
      { kind: "fact", field: "scope", value: "role" },
      { kind: "fact", field: "expiresAt", value: null },
    ]);
    expect(changeRows({ action: "x.y", objectType: "x", changes: null })).toEqual([]);
  });
});
