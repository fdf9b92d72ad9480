// The per-host manifest snapshot: what a host runs, precomputed once and reused by every manifest and package
// request until something feeding it changes. The manifest is the hottest path of the product (every app start on
// every device), so a request should cost a signature check, one hash per assigned mini-program and a
// serialisation, not a join over assignments and versions.
//
// Freshness, three ways:
// - In this process: services call `invalidateManifest(orgId, hostId?)` after their transaction commits. That
//   bumps an epoch, so a snapshot being built from pre-commit data can never be stored as current.
// - Across instances: those transactions also bump `manifest_revisions` for the organization and NOTIFY it
//   (`touchManifests`, inside the transaction; ./change-feed.ts), so every listening instance drops the
//   organization's snapshots when the change commits. While an instance's feed is not listening (PGlite aside,
//   which is one process), it re-reads the organization's revision at most once a second and rebuilds snapshots
//   built under an older one. A snapshot's data is always read after its revision, so a snapshot is never labelled
//   newer than what it holds.
// - The host's policy: the snapshot is keyed by the policy it was built under (the verifier's host row, which every
//   policy change drops: ./host-cache.ts). A disabled host never gets here (403).
import { eq, isNull, sql } from "drizzle-orm";
import semver, { SemVer } from "semver";
import { onTestDatabaseSwap, type Db, type DbOrTx } from "@/db";
import { selectAssignmentsWithVersions, type JoinedVersion } from "@/db/queries/assignments";
import { assignments, manifestRevisions, miniPrograms, type HostPolicy } from "@/db/schema";
import { chooseVersion } from "@/lib/rollout/bucket";
import { compileRules, isEligible, type CompiledRules } from "@/lib/rollout/rules";
import { notifySdkChange, onSdkChange, processFeedTrusted } from "./change-feed";
import { declarationsOf, policyReasons } from "./policy-fit";

export type ManifestEntry = {
  appId: string;
  name: string;
  version: string;
  sha256: string;
  size: number;
  packageUrl: string;
  permissions: string[];
  domains: string[];
  /** CONTRACT §8: present (true) only on a trial version served to one of its testers. */
  trial?: true;
};

/** A version as the manifest hands it out, with what the per-request filter needs. */
export type DeliverableVersion = {
  versionId: string;
  version: string;
  /** Parsed once here, so a request compares without parsing. */
  minSdk: SemVer | null;
  entry: ManifestEntry;
};

export type SnapshotAssignment = {
  assignmentId: string;
  appId: string;
  /** Null when the stable version is not deliverable (revoked, or outside the host's policy). */
  stable: DeliverableVersion | null;
  /** Null when there is none, or it is not deliverable: everyone then gets the stable version. */
  candidate: DeliverableVersion | null;
  rolloutPercent: number;
  paused: boolean;
  /** CONTRACT §8: who is eligible for the candidate; null: everyone. */
  rules: CompiledRules | null;
  /** CONTRACT §8: the trial version (its entry marked `trial`), for `testers` only; null when none is deliverable. */
  trial: DeliverableVersion | null;
  testers: ReadonlySet<string>;
};

export type HostSnapshot = {
  orgId: string;
  hostId: string;
  policyKey: string;
  revision: number;
  epoch: string;
  /** Ordered by appId, so equal content serialises (and tags) equally. */
  assignments: SnapshotAssignment[];
  /** sha256 → size of every package deliverable to this host now (a stable or candidate above). */
  packages: Map<string, number>;
  builtAt: number;
};

export type ManifestCacheOptions = {
  now?: () => number;
  /** How stale an instance may be about other instances' changes; default MANIFEST_REVISION_TTL_MS or 1000. */
  revisionTtlMs?: number;
  maxSnapshots?: number;
  /** Tests replace the build to hold it open. */
  build?: typeof buildHostSnapshot;
  /**
   * True while every change is known to reach `invalidate` at once (the process change feed): a revision read then
   * stays current until an invalidation drops it, instead of for `revisionTtlMs`. Default never.
   */
  trusted?: () => boolean;
};

export type ManifestCache = {
  /** The host's current snapshot, built if missing or stale. */
  snapshot(db: Db, host: { orgId: string; id: string; policy: HostPolicy }): Promise<HostSnapshot>;
  /** Drops what this process holds for the organization, or for one of its hosts. */
  invalidate(orgId: string, hostId?: string): void;
  /**
   * After a change feed may have missed changes: every organization's revision is read afresh before a snapshot is
   * served again, so a snapshot is rebuilt only where something did change.
   */
  forgetRevisions(): void;
  /** For tests and diagnostics. */
  stats(): { snapshots: number; builds: number; revisionReads: number };
};

export function packageUrl(sha256: string): string {
  return `/api/sdk/v1/packages/${sha256}`;
}

/** Bumps the organization's manifest revision; call inside the transaction that changes what manifests serve. */
export async function touchManifests(tx: DbOrTx, orgId: string): Promise<void> {
  await notifySdkChange(tx, orgId);
  await tx
    .insert(manifestRevisions)
    .values({ orgId, revision: 1 })
    .onConflictDoUpdate({ target: manifestRevisions.orgId, set: { revision: sql`${manifestRevisions.revision} + 1`, updatedAt: new Date() } });
}

async function readRevision(db: Db, orgId: string): Promise<number> {
  const [row] = await db.select({ revision: manifestRevisions.revision }).from(manifestRevisions).where(eq(manifestRevisions.orgId, orgId)).limit(1);
  return row?.revision ?? 0;
}

function policyKeyOf(policy: HostPolicy): string {
  return JSON.stringify([policy.allowedPermissions, policy.allowedDomains, policy.minSdkVersion]);
}

/** The version as the manifest serves it, or null when it must not be served to this host. */
function deliverable(v: JoinedVersion | null, appId: string, policy: HostPolicy, as: "release" | "trial" = "release"): DeliverableVersion | null {
  // Only approved: a revoked version (kill switch) is gone from every manifest with the next snapshot. A trial
  // version may also be a draft or in review (CONTRACT §8), never rejected or revoked.
  if (!v) return null;
  if (as === "release" ? v.status !== "approved" : !TRIAL_STATUSES.has(v.status)) return null;
  const decl = declarationsOf(v.manifest);
  if (policyReasons(policy, decl).length > 0) return null;
  const name = typeof v.manifest.name === "string" && v.manifest.name ? v.manifest.name : appId;
  return {
    versionId: v.id,
    version: v.version,
    minSdk: decl.minSdkVersion ? new SemVer(decl.minSdkVersion) : null,
    entry: {
      appId,
      // The package's own name, as reviewed: it cannot change under an approved version, so a console rename
      // of the mini-program does not need to reach manifests.
      name,
      version: v.version,
      sha256: v.sha256,
      size: v.size,
      packageUrl: packageUrl(v.sha256),
      permissions: decl.permissions,
      domains: decl.domains,
      ...(as === "trial" ? { trial: true as const } : {}),
    },
  };
}

/** The statuses a trial version may have (CONTRACT §8). */
export const TRIAL_STATUSES: ReadonlySet<string> = new Set(["draft", "in_review", "approved"]);

export async function buildHostSnapshot(
  db: Db,
  host: { orgId: string; id: string; policy: HostPolicy },
  label: { revision: number; epoch: string; now: number },
): Promise<HostSnapshot> {
  // The assignment service's own join (db/queries/assignments.ts); the host's policy is the one the verifier read.
  // An archived mini-program is on no manifest (issue 20); its assignments stay, inert, until it is restored.
  const rows = (await selectAssignmentsWithVersions(db, host.orgId, [eq(assignments.hostId, host.id), isNull(miniPrograms.archivedAt)])).map((r) => ({
    id: r.a.id,
    appId: r.a.appId,
    rolloutPercent: r.a.rolloutPercent,
    paused: r.a.paused,
    rules: r.a.rules,
    testers: r.a.testers,
    stable: r.stable,
    candidate: r.candidate,
    trial: r.trial,
  }));
  const out: SnapshotAssignment[] = [];
  const packages = new Map<string, number>();
  for (const r of rows.sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0))) {
    const stable = deliverable(r.stable, r.appId, host.policy);
    const candidate = deliverable(r.candidate, r.appId, host.policy);
    const trial = deliverable(r.trial, r.appId, host.policy, "trial");
    if (!stable && !candidate && !trial) continue;
    for (const v of [stable, candidate, trial]) if (v) packages.set(v.entry.sha256, v.entry.size);
    out.push({
      assignmentId: r.id,
      appId: r.appId,
      stable,
      candidate,
      rolloutPercent: r.rolloutPercent,
      paused: r.paused,
      rules: compileRules(r.rules),
      trial,
      testers: new Set(r.testers),
    });
  }
  return {
    orgId: host.orgId,
    hostId: host.id,
    policyKey: policyKeyOf(host.policy),
    revision: label.revision,
    epoch: label.epoch,
    assignments: out,
    packages,
    builtAt: label.now,
  };
}

export function createManifestCache(opts: ManifestCacheOptions = {}): ManifestCache {
  const now = opts.now ?? Date.now;
  const ttl = opts.revisionTtlMs ?? (Number(process.env.MANIFEST_REVISION_TTL_MS) || 1000);
  const max = opts.maxSnapshots ?? 10_000;
  const build = opts.build ?? buildHostSnapshot;
  const trusted = opts.trusted ?? (() => false);
  const snapshots = new Map<string, HostSnapshot>();
  const building = new Map<string, { epoch: string; revision: number; policyKey: string; promise: Promise<HostSnapshot> }>();
  const revisions = new Map<string, { value: number; readAt: number }>();
  const revisionReads = new Map<string, Promise<number>>();
  const orgEpochs = new Map<string, number>();
  // Bumped by forgetRevisions: a revision read that started before it is not kept.
  let revisionEpoch = 0;
  const hostEpochs = new Map<string, number>();
  const counters = { builds: 0, revisionReads: 0 };

  const hostKey = (orgId: string, hostId: string) => `${orgId}\u0000${hostId}`;
  const epochOf = (orgId: string, hostId: string) => `${orgEpochs.get(orgId) ?? 0}.${hostEpochs.get(hostKey(orgId, hostId)) ?? 0}`;

  async function revision(db: Db, orgId: string): Promise<number> {
    const hit = revisions.get(orgId);
    if (hit && (trusted() || now() - hit.readAt < ttl)) return hit.value;
    let pending = revisionReads.get(orgId);
    if (!pending) {
      const startedAt = now();
      const epochAtStart = `${revisionEpoch}.${orgEpochs.get(orgId) ?? 0}`;
      counters.revisionReads++;
      pending = readRevision(db, orgId).finally(() => revisionReads.delete(orgId));
      revisionReads.set(orgId, pending);
      pending.then(
        (value) => {
          // An invalidation during the read may have made this value old already: let the next request read again.
          if (`${revisionEpoch}.${orgEpochs.get(orgId) ?? 0}` === epochAtStart) revisions.set(orgId, { value, readAt: startedAt });
        },
        () => {},
      );
    }
    return pending;
  }

  function remember(key: string, snap: HostSnapshot) {
    snapshots.delete(key);
    snapshots.set(key, snap);
    if (snapshots.size > max) {
      const oldest = snapshots.keys().next();
      if (!oldest.done) snapshots.delete(oldest.value);
    }
  }

  return {
    async snapshot(db, host) {
      const key = hostKey(host.orgId, host.id);
      const policyKey = policyKeyOf(host.policy);
      const rev = await revision(db, host.orgId);
      const epoch = epochOf(host.orgId, host.id);
      const cached = snapshots.get(key);
      if (cached && cached.revision === rev && cached.epoch === epoch && cached.policyKey === policyKey) return cached;
      // One build per host at a time: a burst of app starts after a change costs one query, not thousands.
      const inFlight = building.get(key);
      if (inFlight && inFlight.epoch === epoch && inFlight.revision === rev && inFlight.policyKey === policyKey) return inFlight.promise;
      counters.builds++;
      const promise = build(db, host, { revision: rev, epoch, now: now() });
      building.set(key, { epoch, revision: rev, policyKey, promise });
      try {
        const snap = await promise;
        // Stored only if nothing was invalidated meanwhile; otherwise it answers this request and is dropped.
        if (epochOf(host.orgId, host.id) === epoch) remember(key, snap);
        return snap;
      } finally {
        if (building.get(key)?.promise === promise) building.delete(key);
      }
    },

    invalidate(orgId, hostId) {
      if (hostId === undefined) {
        orgEpochs.set(orgId, (orgEpochs.get(orgId) ?? 0) + 1);
        const prefix = `${orgId}\u0000`;
        for (const key of snapshots.keys()) if (key.startsWith(prefix)) snapshots.delete(key);
      } else {
        const key = hostKey(orgId, hostId);
        hostEpochs.set(key, (hostEpochs.get(key) ?? 0) + 1);
        snapshots.delete(key);
      }
      // The change was also counted in the database revision: read it afresh so this instance's label is current.
      revisions.delete(orgId);
    },

    forgetRevisions() {
      revisionEpoch++;
      revisions.clear();
    },

    stats() {
      return { snapshots: snapshots.size, ...counters };
    },
  };
}

type GlobalWithManifestCache = typeof globalThis & { __atriumManifestCache?: ManifestCache };
const g = globalThis as GlobalWithManifestCache;

let processCache: ManifestCache | undefined;
// The process's own cache starts afresh on another test database; one a test set is the test's to replace.
onTestDatabaseSwap(() => {
  if (g.__atriumManifestCache === processCache) g.__atriumManifestCache = undefined;
});

/** The process-wide cache, shared by the SDK routes and the services that invalidate it. */
export function getManifestCache(): ManifestCache {
  if (!g.__atriumManifestCache) {
    const cache = createManifestCache({ trusted: processFeedTrusted });
    // Every change in this process, and through the process feed every other process's, drops what it touched.
    onSdkChange((c) => ("all" in c ? cache.forgetRevisions() : cache.invalidate(c.orgId, c.hostId)));
    g.__atriumManifestCache = processCache = cache;
  }
  return g.__atriumManifestCache;
}

export function setManifestCacheForTests(cache: ManifestCache | undefined): void {
  g.__atriumManifestCache = cache;
}

/**
 * Drops this process's snapshots of the organization (or one host). Call after the transaction that changed
 * what manifests serve has committed; inside it, call `touchManifests` so other instances follow within a second.
 */
export function invalidateManifest(orgId: string, hostId?: string): void {
  getManifestCache().invalidate(orgId, hostId);
}

/**
 * The entries one end user gets, per assignment: a tester gets the trial version (CONTRACT §8); otherwise the
 * targeting rules decide eligibility, and an eligible user gets the candidate when listed or inside the rollout
 * (CONTRACT §6, §8); then the SDK filter.
 */
export function entriesFor(snap: HostSnapshot, query: { user?: string; platform?: string; sdkVersion?: string }): ManifestEntry[] {
  const sdk = query.sdkVersion ? semver.parse(query.sdkVersion) : null;
  const fits = (v: DeliverableVersion | null): v is DeliverableVersion => !!v && (!sdk || !v.minSdk || v.minSdk.compare(sdk) <= 0);
  const user = query.user;
  const out: ManifestEntry[] = [];
  for (const a of snap.assignments) {
    // A trial this SDK cannot run falls back to what the tester would get otherwise.
    if (user !== undefined && a.trial && a.testers.has(user) && fits(a.trial)) {
      out.push(a.trial.entry);
      continue;
    }
    // Without a user there is no bucket: stable. A candidate this SDK cannot run falls back to stable for its
    // rollout users, as a revoked one does, rather than leaving them without the mini-program.
    const candidate = user !== undefined && fits(a.candidate) ? a.candidate : null;
    const chosen = chooseVersion({
      appId: a.appId,
      userId: user ?? "",
      stable: a.stable,
      candidate,
      rolloutPercent: a.rolloutPercent,
      paused: a.paused,
      eligible: isEligible(a.rules, { platform: query.platform, sdkVersion: sdk }),
      listed: user !== undefined && (a.rules?.users.has(user) ?? false),
    });
    if (fits(chosen)) out.push(chosen.entry);
  }
  return out;
}
