import type { Permission } from "@/lib/authz/permissions";

export type NavKey = "overview" | "hosts" | "miniPrograms" | "releases" | "reviews" | "analytics" | "audit" | "members" | "tokens" | "settings";

/** The sidebar; an item shows only to roles that hold its permission (the server checks again on use). */
export const NAV_ITEMS: { key: NavKey; path: string; permission: Permission }[] = [
  { key: "overview", path: "", permission: "catalog.read" },
  { key: "hosts", path: "/hosts", permission: "catalog.read" },
  { key: "miniPrograms", path: "/mini-programs", permission: "catalog.read" },
  { key: "releases", path: "/releases", permission: "catalog.read" },
  { key: "reviews", path: "/reviews", permission: "review.decide" },
  { key: "analytics", path: "/analytics", permission: "analytics.view" },
  { key: "audit", path: "/audit", permission: "audit.view" },
  { key: "members", path: "/members", permission: "members.read" },
  { key: "tokens", path: "/tokens", permission: "tokens.manage" },
  { key: "settings", path: "/settings", permission: "catalog.read" },
];
