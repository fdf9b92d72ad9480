// The reference client of the Atrium SDK API (CONTRACT §6): what a host app's runtime does to fetch
// its manifest, download packages and report usage. Portable: fetch + WebCrypto, no Node-only APIs.
import { EventQueue } from "./event-queue";
import { badSignature, isManifestKeyList, ManifestVerifier, parseSignatureHeader, type ManifestKey } from "./manifest-signature";
import { isRetryableStatus, parseRetryAfter, retryDelayMs, type BackoffPolicy } from "./retry";
import { bodyBytes, createSigner, sha256Hex, type Body, type Signer } from "./signing";
import {
  AtriumSdkError,
  errorFromResponse,
  parseEventsResponse,
  parseManifest,
  type EventsResponse,
  type Manifest,
  type ManifestEntry,
  type Platform,
  type SdkEvent,
} from "./types";

export * from "./types";
export { canonicalString } from "./signing";
export type { ManifestKey } from "./manifest-signature";

export const MANIFEST_PATH = "/api/sdk/v1/manifest";
export const PACKAGES_PATH = "/api/sdk/v1/packages";
export const EVENTS_PATH = "/api/sdk/v1/events";
export const KEYS_PATH = "/api/sdk/v1/keys";
export const MANIFEST_SIGNATURE_HEADER = "x-mp-manifest-signature";
/** The server's limits on one `POST /events`. */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_EVENTS_BODY_BYTES = 1024 * 1024;

export interface AtriumSdkClientOptions {
  /** Where the console serves `/api/sdk/v1`, e.g. `https://atrium.example.com`. */
  baseUrl: string;
  sdkKey: string;
  sdkSecret: string;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); only spreads retries, never makes ids (those come from crypto.getRandomValues). */
  random?: () => number;
  /** Events per request, at most 500 (default 500). */
  batchSize?: number;
  /** Attempts per batch before a flush gives up and leaves it queued (default 5). */
  maxAttempts?: number;
  /** Events held before the oldest are dropped (default 10,000). */
  maxQueueSize?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  /**
   * The manifest keys to trust (CONTRACT §13), e.g. shipped inside the app: then only these verify manifests and the
   * key list is never fetched. Without them the client fetches `/api/sdk/v1/keys` over the signed channel on its
   * first manifest (and once more when a manifest names a key it does not know, after a rotation).
   */
  manifestKeys?: ManifestKey[];
}

export interface ManifestQuery {
  /** The end user's id: it decides which side of a rollout they are on. */
  user: string;
  platform: Platform;
  sdkVersion: string;
}

export interface ManifestResult {
  manifest: Manifest;
  etag: string | null;
  /** True when the server answered 304 and `manifest` is the copy from the previous call. */
  notModified: boolean;
}

/** What `track` takes: the event without its id, which the client assigns; `ts` defaults to now. */
export type TrackInput = Omit<SdkEvent, "id" | "ts"> & { ts?: string | number };

export interface EventFailure {
  id: string;
  code: string;
  message: string;
}

export interface FlushResult {
  accepted: number;
  duplicates: number;
  /** Events the server refused, one by one (202) or as a whole batch (4xx); they are not retried. */
  rejected: EventFailure[];
  /** True when a batch ran out of attempts; it and everything after it are still queued. */
  gaveUp: boolean;
  error: AtriumSdkError | null;
}

export interface SdkClientStats {
  queued: number;
  dropped: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  lastError: AtriumSdkError | null;
}

type BatchOutcome =
  | { kind: "delivered"; response: EventsResponse }
  | { kind: "refused"; error: AtriumSdkError }
  | { kind: "gave_up"; error: AtriumSdkError };

const EVENT_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const MANIFEST_CACHE_SIZE = 32;
/** What `{"events":[...]}` adds around the events themselves. */
const EVENTS_ENVELOPE_BYTES = '{"events":[]}'.length;

/** 22 characters of a 64-letter alphabet: 132 random bits, uniform because 256 is a multiple of 64. */
function newEventId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (byte) => EVENT_ID_ALPHABET[byte & 63]).join("");
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1.`);
  return value;
}

function networkError(cause: unknown): AtriumSdkError {
  return new AtriumSdkError({ code: "network_error", message: "The request did not reach the server.", cause });
}

/** Reads a body but stops once it exceeds `limit`, so a hostile or broken server cannot exhaust memory. */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.length;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

export class AtriumSdkClient {
  private readonly baseUrl: string;
  private readonly sdkKey: string;
  private readonly sign: Signer;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  /** Server time minus this device's clock, learnt from a stale_timestamp answer's Date header (0 until then). */
  private clockOffsetMs = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoff: BackoffPolicy;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly queue: EventQueue;
  private readonly manifests = new Map<string, { etag: string; manifest: Manifest }>();
  private readonly counters = { accepted: 0, duplicates: 0, rejected: 0, retries: 0 };
  private lastError: AtriumSdkError | null = null;
  private flushing: Promise<FlushResult> | null = null;
  private readonly pinnedKeys: ManifestKey[] | null;
  private fetchedKeys: ManifestKey[] | null = null;
  private readonly verifier = new ManifestVerifier();

  constructor(options: AtriumSdkClientOptions) {
    if (!options.sdkKey || !options.sdkSecret) throw new TypeError("sdkKey and sdkSecret are required.");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.sdkKey = options.sdkKey;
    this.sign = createSigner(options.sdkSecret);
    // Unbound, a browser's fetch throws "Illegal invocation" when called as a method of this object.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.backoff = {
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 10 * 60_000,
      random: options.random ?? Math.random,
    };
    this.batchSize = Math.min(positiveInteger("batchSize", options.batchSize, MAX_EVENTS_PER_BATCH), MAX_EVENTS_PER_BATCH);
    this.maxAttempts = positiveInteger("maxAttempts", options.maxAttempts, 5);
    this.queue = new EventQueue(positiveInteger("maxQueueSize", options.maxQueueSize, 10_000));
    this.pinnedKeys = options.manifestKeys ? [...options.manifestKeys] : null;
  }

  /**
   * Sends a request signed per CONTRACT §6. The signature covers the path and query exactly as the URL
   * parser will put them on the wire (percent-encoding included), not as the caller spelled them.
   * Network failures throw `AtriumSdkError` (`network_error`); HTTP errors come back as responses.
   */
  async signedFetch(
    method: string,
    pathWithQuery: string,
    body?: Body,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    if (!pathWithQuery.startsWith("/")) {
      throw new AtriumSdkError({ code: "invalid_input", message: "pathWithQuery must start with '/'." });
    }
    const response = await this.signAndSend(method, pathWithQuery, body, headers);
    // A device whose clock is more than 300 s off is refused as stale_timestamp. The answer's Date header says
    // what time the server keeps: learn the difference once and sign again, instead of failing every request.
    if (response.status === 401 && (await isStaleTimestamp(response))) {
      const serverMs = Date.parse(response.headers.get("date") ?? "");
      if (Number.isFinite(serverMs)) {
        const offset = serverMs - this.now();
        // Date has whole seconds: only a correction the window can notice is worth a second request.
        if (Math.abs(offset - this.clockOffsetMs) > 2_000) {
          this.clockOffsetMs = offset;
          return this.signAndSend(method, pathWithQuery, body, headers);
        }
      }
    }
    return response;
  }

  /** This device's clock, corrected by what the server's answers taught it. */
  private serverNow(): number {
    return this.now() + this.clockOffsetMs;
  }

  private async signAndSend(method: string, pathWithQuery: string, body: Body | undefined, headers: Record<string, string>): Promise<Response> {
    const url = new URL(this.baseUrl + pathWithQuery);
    const bytes = bodyBytes(body);
    const timestamp = String(Math.floor(this.serverNow() / 1000));
    const signature = await this.sign({ timestamp, method, pathWithQuery: url.pathname + url.search, body: bytes });
    const signed: Record<string, string> = {
      accept: "application/json",
      ...headers,
      "x-mp-key": this.sdkKey,
      "x-mp-timestamp": timestamp,
      "x-mp-signature": signature,
    };
    if (body !== undefined) signed["content-type"] ??= "application/json";
    try {
      const init = { method: method.toUpperCase(), headers: signed, body: body === undefined ? undefined : bytes };
      return await this.fetchImpl(url, init);
    } catch (cause) {
      throw networkError(cause);
    }
  }

  /** What this host should run now; revalidates with `If-None-Match` against the last answer to the same query. */
  async getManifest(query: ManifestQuery): Promise<ManifestResult> {
    const params = new URLSearchParams({ user: query.user, platform: query.platform, sdkVersion: query.sdkVersion });
    const path = `${MANIFEST_PATH}?${params}`;
    const cached = this.manifests.get(path);
    const response = await this.signedFetch("GET", path, undefined, cached ? { "if-none-match": cached.etag } : {});
    if (response.status === 304 && cached) {
      return { manifest: cached.manifest, etag: cached.etag, notModified: true };
    }
    if (!response.ok) throw await errorFromResponse(response);
    // Verified before it is parsed or remembered: a manifest that fails is never used, not even as a 304's copy.
    const body = new Uint8Array(await response.arrayBuffer());
    await this.verifyManifest(body, response.headers.get(MANIFEST_SIGNATURE_HEADER));
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      parsed = null;
    }
    const manifest = parseManifest(parsed);
    const etag = response.headers.get("etag");
    if (etag !== null) this.remember(path, etag, manifest);
    return { manifest, etag, notModified: false };
  }

  /** The keys that verify manifests now: the pinned ones, or the server's list (fetched once, again after a rotation). */
  async manifestKeys(refresh = false): Promise<ManifestKey[]> {
    if (this.pinnedKeys) return this.pinnedKeys;
    if (this.fetchedKeys && !refresh) return this.fetchedKeys;
    const response = await this.signedFetch("GET", KEYS_PATH);
    if (!response.ok) throw await errorFromResponse(response);
    const list: unknown = await response.json().catch(() => null);
    if (!isManifestKeyList(list)) throw new AtriumSdkError({ code: "invalid_response", message: "The server answered an invalid manifest key list." });
    this.fetchedKeys = list.keys;
    return list.keys;
  }

  private async verifyManifest(body: Uint8Array<ArrayBuffer>, header: string | null): Promise<void> {
    const parsed = parseSignatureHeader(header);
    if (!parsed) throw badSignature("The manifest carries no valid X-MP-Manifest-Signature.");
    let key = (await this.manifestKeys()).find((k) => k.keyId === parsed.keyId);
    if (!key && !this.pinnedKeys) key = (await this.manifestKeys(true)).find((k) => k.keyId === parsed.keyId);
    if (!key) throw badSignature(`The manifest is signed with key ${parsed.keyId}, which this client does not trust.`);
    await this.verifier.verify(key, parsed.sig, body);
  }

  private remember(path: string, etag: string, manifest: Manifest): void {
    this.manifests.delete(path);
    this.manifests.set(path, { etag, manifest });
    const oldest = this.manifests.keys().next();
    if (this.manifests.size > MANIFEST_CACHE_SIZE && !oldest.done) this.manifests.delete(oldest.value);
  }

  /** The package bytes of a manifest entry, after checking them against its size and SHA-256. */
  async downloadPackage(entry: Pick<ManifestEntry, "sha256" | "size">): Promise<Uint8Array<ArrayBuffer>> {
    const sha256 = entry.sha256.toLowerCase();
    // The hash becomes part of the path: anything but 64 hex digits could point the request elsewhere.
    if (!SHA256_PATTERN.test(sha256)) {
      throw new AtriumSdkError({ code: "invalid_input", message: "A package hash is 64 hex digits." });
    }
    const response = await this.signedFetch("GET", `${PACKAGES_PATH}/${sha256}`);
    if (!response.ok) throw await errorFromResponse(response);
    const bytes = await readAtMost(response, entry.size);
    if (bytes === null || bytes.length !== entry.size) {
      const message = `The package is not the ${entry.size} bytes the manifest lists.`;
      throw new AtriumSdkError({ code: "package_size_mismatch", message });
    }
    if ((await sha256Hex(bytes)) !== sha256) {
      const message = "The package's SHA-256 differs from the manifest's.";
      throw new AtriumSdkError({ code: "package_hash_mismatch", message });
    }
    return bytes;
  }

  /**
   * Queues an event and returns the id it will be sent with. The id is fixed here, once, so that every
   * retry resends the same id and the server can count the event exactly once.
   */
  track(input: TrackInput): string {
    const event: SdkEvent = { ...input, id: newEventId(), ts: input.ts ?? this.serverNow() };
    this.queue.push(event);
    return event.id;
  }

  /**
   * Sends everything queued, oldest first. Concurrent calls share one run, so a batch is never in
   * flight twice. Never throws: failures are in the result and in `stats().lastError`.
   */
  flush(): Promise<FlushResult> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  stats(): SdkClientStats {
    return { queued: this.queue.length, dropped: this.queue.dropped, ...this.counters, lastError: this.lastError };
  }

  private async drain(): Promise<FlushResult> {
    const result: FlushResult = { accepted: 0, duplicates: 0, rejected: [], gaveUp: false, error: null };
    while (this.queue.length > 0) {
      const batch = this.queue.peekBatch(this.batchSize, MAX_EVENTS_BODY_BYTES - EVENTS_ENVELOPE_BYTES);
      const outcome = await this.sendBatch(batch);
      if (outcome.kind === "gave_up") {
        this.lastError = result.error = outcome.error;
        result.gaveUp = true;
        return result;
      }
      this.queue.remove(batch);
      if (outcome.kind === "delivered") {
        this.recordDelivery(result, batch, outcome.response);
        continue;
      }
      const { error } = outcome;
      this.lastError = result.error = error;
      this.recordRejections(result, batch.map((event) => ({ id: event.id, code: error.code, message: error.message })));
      // Bad credentials or a disabled host would refuse every batch alike: keep the rest for later.
      if (error.status === 401 || error.status === 403) return result;
    }
    return result;
  }

  private recordDelivery(result: FlushResult, batch: readonly SdkEvent[], response: EventsResponse): void {
    result.accepted += response.accepted;
    result.duplicates += response.duplicates;
    this.counters.accepted += response.accepted;
    this.counters.duplicates += response.duplicates;
    this.recordRejections(
      result,
      response.rejected.map(({ index, code, message }) => ({ id: batch[index]?.id ?? `#${index}`, code, message })),
    );
  }

  private recordRejections(result: FlushResult, failures: EventFailure[]): void {
    result.rejected.push(...failures);
    this.counters.rejected += failures.length;
  }

  /** One batch, retried as the very same body (same ids) until it is answered or attempts run out. */
  private async sendBatch(batch: readonly SdkEvent[]): Promise<BatchOutcome> {
    const body = JSON.stringify({ events: batch });
    let error = networkError(undefined);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) this.counters.retries++;
      let retryAfterMs: number | null = null;
      try {
        const response = await this.signedFetch("POST", EVENTS_PATH, body);
        // An answer that cannot be read is retried like a failure: the server deduplicates by id.
        if (response.ok) {
          return { kind: "delivered", response: parseEventsResponse(await response.json().catch(() => null)) };
        }
        error = await errorFromResponse(response);
        if (!isRetryableStatus(response.status)) return { kind: "refused", error };
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
      } catch (cause) {
        error = cause instanceof AtriumSdkError ? cause : networkError(cause);
      }
      if (attempt < this.maxAttempts) await this.sleep(retryDelayMs(attempt, retryAfterMs, this.backoff));
    }
    return { kind: "gave_up", error };
  }
}

/** Whether a 401 is the server saying the timestamp is outside its window (read from a clone: the body stays). */
async function isStaleTimestamp(response: Response): Promise<boolean> {
  const body: unknown = await response.clone().json().catch(() => undefined);
  const error = typeof body === "object" && body !== null ? (body as { error?: { code?: unknown; details?: { reason?: unknown } } }).error : undefined;
  return error?.code === "stale_timestamp" || error?.details?.reason === "stale_timestamp";
}
