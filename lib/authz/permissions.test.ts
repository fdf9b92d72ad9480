// CONTRACT §1 as a table: each row is the roles that may do it. A change to PERMISSIONS that drifts from the
// contract fails here.
import { describe, expect, it } from "vitest";
import { ROLES } from "@/db/schema";
import { can } from "./context";
import { PERMISSIONS, roleCan, type Permission } from "./permissions";

const CONTRACT: Record<Permission, string> = {
  "catalog.read": "owner admin reviewer developer analyst",
  "members.manage": "owner admin",
  "members.read": "owner admin reviewer developer analyst",
  "hosts.manage": "owner admin",
  "miniPrograms.write": "owner admin developer",
  // Issue 20: archive, restore, delete; not a collaborating developer (it takes the mini-program off every host).
  "miniPrograms.lifecycle": "owner admin",
  "collaborators.manage": "owner admin",
  "review.decide": "owner admin reviewer",
  "assignments.manage": "owner admin",
  "versions.revoke": "owner admin reviewer",
  "analytics.view": "owner admin reviewer developer analyst",
  "audit.view": "owner admin",
  "tokens.manage": "owner admin developer",
  "settings.manage": "owner admin",
  // Not rows of §1 (issue 20 item 1): admins rename; the slug, a transfer of ownership and deletion are the owner's.
  "organization.rename": "owner admin",
  "organization.manage": "owner",
  // Not a row of §1: one's own sessions, which every member manages for themselves (issue 15).
  "account.manage": "owner admin reviewer developer analyst",
};

describe("permission table", () => {
  it("covers exactly the contract's capabilities", () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(CONTRACT).sort());
  });

  for (const [perm, roles] of Object.entries(CONTRACT) as [Permission, string][]) {
    it.each(ROLES.map((r) => [r, roles.split(" ").includes(r)] as const))(`${perm}: %s → %s`, (role, allowed) => {
      expect(roleCan(role, perm)).toBe(allowed);
    });
  }

  it("caps developer-scope tokens at developer rights, whatever the user's role", () => {
    const actor = { type: "token" as const, userId: "u", email: "e", name: "n", tokenId: "t", scope: "developer" as const };
    expect(can({ role: "owner", actor }, "audit.view")).toBe(false);
    expect(can({ role: "owner", actor }, "miniPrograms.write")).toBe(true);
    expect(can({ role: "analyst", actor }, "miniPrograms.write")).toBe(false);
  });
});
