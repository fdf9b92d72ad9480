// Does a version fit a host's capability policy (CONTRACT §3, "Assigning checks the version against the host's
// policy")? One pure rule, used when assigning, when setting a candidate, and when building a manifest snapshot
// (so tightening a policy stops delivering what no longer fits, without waiting for anyone to unassign it).
import semver from "semver";
import type { HostPolicy } from "@/db/schema";

export type PolicyReason =
  | { code: "permission_not_allowed"; message: string; permission: string }
  | { code: "domain_not_allowed"; message: string; domain: string }
  | { code: "min_sdk_too_low"; message: string; required: string; declared: string | null };

/** What the check needs from a version: its package manifest's declarations. */
export type VersionDeclarations = { permissions: string[]; domains: string[]; minSdkVersion: string | null };

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The declarations of a stored version's manifest (jsonb, so read defensively). */
export function declarationsOf(manifest: Record<string, unknown>): VersionDeclarations {
  const min = manifest.minSdkVersion;
  return {
    permissions: stringList(manifest.permissions),
    domains: stringList(manifest.domains),
    minSdkVersion: typeof min === "string" && semver.valid(min) ? min : null,
  };
}

/**
 * Every reason the version does not fit, in a stable order (permissions, domains, SDK); empty when it fits.
 * All reasons are listed, never only the first, so one refusal tells the admin everything to fix.
 */
export function policyReasons(policy: HostPolicy, v: VersionDeclarations): PolicyReason[] {
  const reasons: PolicyReason[] = [];
  const allowedPermissions = new Set(policy.allowedPermissions);
  for (const permission of v.permissions) {
    if (!allowedPermissions.has(permission)) {
      reasons.push({ code: "permission_not_allowed", permission, message: `The permission "${permission}" is not allowed by this host's policy` });
    }
  }
  if (policy.allowedDomains !== null) {
    // Both sides are `https://host` in lower case (inspection and the policy form normalise them).
    const allowedDomains = new Set(policy.allowedDomains.map((d) => d.toLowerCase()));
    for (const domain of v.domains) {
      if (!allowedDomains.has(domain.toLowerCase())) {
        reasons.push({ code: "domain_not_allowed", domain, message: `The domain ${domain} is not allowed by this host's policy` });
      }
    }
  }
  const required = policy.minSdkVersion;
  if (required !== null && semver.valid(required)) {
    // The contract asks for the version's minSdkVersion to be at least the host's; declaring none means it
    // claims to run on SDKs older than the host accepts.
    if (v.minSdkVersion === null) {
      reasons.push({ code: "min_sdk_too_low", required, declared: null, message: `The version declares no minSdkVersion; this host requires at least ${required}` });
    } else if (semver.lt(v.minSdkVersion, required)) {
      reasons.push({
        code: "min_sdk_too_low",
        required,
        declared: v.minSdkVersion,
        message: `The version's minSdkVersion ${v.minSdkVersion} is below this host's minimum ${required}`,
      });
    }
  }
  return reasons;
}
