// Test fixtures for assignments and delivery: a mini-program with real, stored packages in chosen states, and
// host apps with chosen policies, made through the services (status set directly, as review is not under test).
import { and, eq } from "drizzle-orm";
import { versions, type HostPolicy, type VersionStatus } from "@/db/schema";
import type { OrgContext } from "@/lib/authz/context";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { createHost, createHostInput } from "@/lib/services/hosts";
import { createMiniProgram, createMiniProgramInput } from "@/lib/services/mini-programs";
import { uploadVersion, type VersionJson } from "@/lib/services/versions";

export type LabVersionSpec = {
  version: string;
  status?: VersionStatus;
  permissions?: string[];
  domains?: string[];
  minSdkVersion?: string;
};

let labCount = 0;

/** A new mini-program whose versions are uploaded (so their blobs exist) and set to `status` (default approved). */
export async function labMiniProgram(admin: OrgContext, specs: LabVersionSpec[], name = "Lab"): Promise<{ appId: string; versions: Record<string, VersionJson> }> {
  const appId = `com.lab.app${++labCount}x${Date.now().toString(36)}`;
  await createMiniProgram(admin, createMiniProgramInput.parse({ appId, name: `${name} ${labCount}` }));
  const out: Record<string, VersionJson> = {};
  for (const spec of specs) {
    const bytes = buildMiniProgramPackage({
      appId,
      name: `${name} ${labCount}`,
      version: spec.version,
      permissions: spec.permissions ?? ["location"],
      domains: spec.domains ?? ["https://api.demo.test"],
      minSdkVersion: spec.minSdkVersion ?? "2.0.0",
      // Distinct bytes per version, so each has its own sha256.
      extraFiles: { "build.txt": `${appId}@${spec.version}` },
    });
    const { version } = await uploadVersion(admin, appId, bytes);
    const status = spec.status ?? "approved";
    await admin.db
      .update(versions)
      .set({ status, decidedAt: new Date() })
      .where(and(eq(versions.orgId, admin.org.id), eq(versions.id, version.id)));
    out[spec.version] = { ...version, status };
  }
  return { appId, versions: out };
}

let hostCount = 0;

export async function labHost(admin: OrgContext, policy: Partial<HostPolicy> = {}) {
  hostCount++;
  return createHost(
    admin,
    createHostInput.parse({
      name: `Lab host ${hostCount}`,
      platforms: [{ platform: "ios", identifier: `com.lab.host${hostCount}x${Date.now().toString(36)}` }],
      policy,
    }),
  );
}
