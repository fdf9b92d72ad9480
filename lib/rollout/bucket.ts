// Which version of a mini-program an end user is served during a rollout (CONTRACT §6, "Rollout").
// The rule is part of the contract, so SDKs and analytics can recompute it: change nothing here lightly.
import { sha256Hex } from "@/lib/crypto/hash";

export const BUCKET_COUNT = 10_000;

/**
 * The user's bucket in [0, 9999]: the first 8 hex digits of SHA-256(`appId@candidateVersion:userId`)
 * as an integer, modulo 10000. Hashing the candidate in means each new candidate reshuffles who
 * goes first, so the same users are not always the guinea pigs.
 */
export function rolloutBucket(appId: string, candidateVersion: string, userId: string): number {
  const digest = sha256Hex(`${appId}@${candidateVersion}:${userId}`);
  return Number.parseInt(digest.slice(0, 8), 16) % BUCKET_COUNT;
}

/**
 * Whether a bucket is inside a rollout of `percent` (0–100). Buckets below the threshold are in,
 * so raising the percent only ever adds users. A NaN percent admits no one.
 */
export function getsCandidate(bucket: number, percent: number): boolean {
  return bucket < percent * 100;
}

export interface VersionChoiceInput<V extends { version: string }> {
  appId: string;
  userId: string;
  /** The stable version, or null when it is not deliverable (e.g. revoked). */
  stable: V | null;
  candidate?: V | null;
  rolloutPercent: number;
  paused: boolean;
  /** CONTRACT §8: false when the targeting rules make this request ineligible (platform, SDK version). */
  eligible?: boolean;
  /** CONTRACT §8: the user is in the rules' explicit user list, so gets the candidate whatever the bucket. */
  listed?: boolean;
}

/** The version this user gets now, or null when the assignment has nothing deliverable for them. */
export function chooseVersion<V extends { version: string }>(input: VersionChoiceInput<V>): V | null {
  const { candidate, stable } = input;
  if (input.paused || !candidate || input.eligible === false) return stable;
  if (input.listed) return candidate;
  const bucket = rolloutBucket(input.appId, candidate.version, input.userId);
  return getsCandidate(bucket, input.rolloutPercent) ? candidate : stable;
}
