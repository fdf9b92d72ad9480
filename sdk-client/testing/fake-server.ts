// A stand-in for the console's SDK API on 127.0.0.1, for testing clients over real HTTP. It checks
// signatures with the server's own verifier, so a client that passes here signs as the console expects.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SDK_HEADERS, verifySignature } from "@/lib/sdk/signing";
import type { ManifestKey } from "../manifest-signature";
import type { Manifest, SdkEvent } from "../types";

export interface ScriptedFailure {
  status: number;
  retryAfter?: string;
}

export interface RecordedRequest {
  method: string;
  target: string;
  headers: IncomingMessage["headers"];
}

export interface FakeAtriumServer {
  baseUrl: string;
  /** Valid secrets per SDK key; two during a rotation. */
  credentials: Map<string, string[]>;
  manifest: Manifest;
  /** Bytes served per requested hash (deliberately not checked, so a test can serve wrong ones). */
  packages: Map<string, Uint8Array>;
  /** Answers for the next `POST /events`, consumed first in, before any real processing. */
  eventFailures: ScriptedFailure[];
  /** Every event id kept, once each, in arrival order. */
  storedEventIds: string[];
  /** Ids of each `POST /events` body received, failures included. */
  eventBatches: string[][];
  requests: RecordedRequest[];
  /** What `GET /keys` answers; the first key signs manifests. */
  manifestKeys: ManifestKey[];
  signingKey: { keyId: string; privateKey: KeyObject };
  /** Replaces the signing key: the old one stays listed as retiring. */
  rotateManifestKey(): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
};

const apiError = (res: ServerResponse, status: number, code: string, message: string, details?: unknown) =>
  json(res, status, { error: { code, message, details } });

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function authenticate(state: FakeAtriumServer, req: IncomingMessage, body: Buffer): string | null {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === "string" ? value : null;
  };
  const secrets = state.credentials.get(header(SDK_HEADERS.key) ?? "");
  if (!secrets) return "unknown_key";
  const verdict = verifySignature({
    secrets,
    method: req.method ?? "",
    // The request target exactly as received: what CONTRACT §6 says is signed.
    pathWithQuery: req.url ?? "",
    body,
    timestamp: header(SDK_HEADERS.timestamp),
    signature: header(SDK_HEADERS.signature),
  });
  return verdict.ok ? null : verdict.code;
}

function serveManifest(state: FakeAtriumServer, req: IncomingMessage, res: ServerResponse) {
  const body = JSON.stringify(state.manifest);
  const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;
  if (req.headers["if-none-match"] === etag) return res.writeHead(304, { etag }).end();
  const sig = sign(null, Buffer.from(body), state.signingKey.privateKey).toString("base64url");
  res.writeHead(200, { "content-type": "application/json", etag, "x-mp-manifest-signature": `keyId=${state.signingKey.keyId}, sig=${sig}` }).end(body);
}

let keyCount = 0;
function newManifestKey(): { key: ManifestKey; signing: { keyId: string; privateKey: KeyObject } } {
  const pair = generateKeyPairSync("ed25519");
  const keyId = `mk_fake${++keyCount}`;
  return {
    key: { keyId, alg: "Ed25519", publicKey: pair.publicKey.export({ format: "jwk" }).x ?? "", status: "active" },
    signing: { keyId, privateKey: pair.privateKey },
  };
}

function servePackage(state: FakeAtriumServer, hash: string, res: ServerResponse) {
  const bytes = state.packages.get(hash);
  if (!bytes) return apiError(res, 404, "not_found", "No such package.");
  res.writeHead(200, { "content-type": "application/zip" }).end(bytes);
}

function receiveEvents(state: FakeAtriumServer, body: Buffer, res: ServerResponse) {
  const events = (JSON.parse(body.toString("utf8")) as { events: SdkEvent[] }).events;
  state.eventBatches.push(events.map((event) => event.id));
  const failure = state.eventFailures.shift();
  if (failure) {
    const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { "retry-after": failure.retryAfter };
    return json(res, failure.status, { error: { code: "unavailable", message: `scripted ${failure.status}` } }, headers);
  }
  let accepted = 0;
  for (const event of events) {
    if (state.storedEventIds.includes(event.id)) continue;
    state.storedEventIds.push(event.id);
    accepted++;
  }
  json(res, 202, { accepted, duplicates: events.length - accepted, rejected: [] });
}

async function handle(state: FakeAtriumServer, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  state.requests.push({ method: req.method ?? "", target: req.url ?? "", headers: req.headers });
  const failure = authenticate(state, req, body);
  if (failure) return apiError(res, 401, "unauthenticated", `Request not authenticated: ${failure}.`, { reason: failure });
  const path = new URL(req.url ?? "/", "http://fake").pathname;
  if (req.method === "GET" && path === "/api/sdk/v1/manifest") return serveManifest(state, req, res);
  if (req.method === "GET" && path === "/api/sdk/v1/keys") return json(res, 200, { keys: state.manifestKeys });
  const packageHash = /^\/api\/sdk\/v1\/packages\/([0-9a-f]{64})$/.exec(path)?.[1];
  if (req.method === "GET" && packageHash) return servePackage(state, packageHash, res);
  if (req.method === "POST" && path === "/api/sdk/v1/events") return receiveEvents(state, body, res);
  apiError(res, 404, "not_found", "No such route.");
}

export async function startFakeAtriumServer(init: { credentials: Record<string, string[]>; manifest: Manifest }): Promise<FakeAtriumServer> {
  const first = newManifestKey();
  const server = createServer((req, res) => {
    handle(state, req, res).catch(() => apiError(res, 500, "internal", "Fake server failure."));
  });
  const state: FakeAtriumServer = {
    baseUrl: "",
    credentials: new Map(Object.entries(init.credentials)),
    manifest: init.manifest,
    packages: new Map(),
    eventFailures: [],
    storedEventIds: [],
    eventBatches: [],
    requests: [],
    manifestKeys: [first.key],
    signingKey: first.signing,
    rotateManifestKey() {
      const next = newManifestKey();
      state.manifestKeys = [next.key, ...state.manifestKeys.map((k) => ({ ...k, status: "retiring" as const }))];
      state.signingKey = next.signing;
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
