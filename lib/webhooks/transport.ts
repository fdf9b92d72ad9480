// Sends one webhook request. node:http(s) rather than fetch, because its `lookup` hook lets every resolved
// address be checked and then used for the connection itself: checking a name and connecting to it
// separately would let DNS rebinding slip a private address in between. Redirects are never followed.
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { internalNameReason, isNonPublicAddress } from "./url-policy";

/** Resolves a host name to every address it has (dns.lookup with `all` by default; tests bring their own). */
export type Resolver = (hostname: string, family: number | undefined) => Promise<dns.LookupAddress[]>;

export type SendRequest = {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  blockPrivate: boolean;
  resolver?: Resolver;
};
/**
 * `statusCode` is null when no HTTP answer came (refused, timed out, blocked); `responseSnippet` holds the first
 * bytes of the answer's body as text, whatever its status.
 */
export type SendResult = { statusCode: number | null; error: string | null; responseSnippet?: string | null };
export type Sender = (req: SendRequest) => Promise<SendResult>;

const MAX_ERROR_SNIPPET = 300;
/** What the delivery log keeps of an answer's body. */
export const MAX_RESPONSE_SNIPPET = 1024;

class BlockedAddressError extends Error {
  constructor() {
    super("The host resolves to a private or reserved address");
  }
}

const systemResolver: Resolver = (hostname, family) => dns.promises.lookup(hostname, { all: true, family: family ?? 0 });

/**
 * A `lookup` for node:http that resolves once, refuses the connection when any address is non-public, and
 * hands exactly the checked addresses to the socket.
 */
function guardedLookup(resolve: Resolver, blockPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, typeof options.family === "number" ? options.family : undefined).then(
      (list) => {
        if (list.length === 0) return callback(Object.assign(new Error("no addresses"), { code: "ENOTFOUND" }), "", 4);
        if (blockPrivate && list.some((a) => isNonPublicAddress(a.address))) return callback(new BlockedAddressError(), "", 4);
        if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
}

export const sendWebhookRequest: Sender = ({ url, body, headers, timeoutMs, blockPrivate, resolver }) =>
  new Promise((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(r);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ statusCode: null, error: "Invalid URL" });
    }
    const literal = target.hostname.replace(/^\[|\]$/g, "");
    // Node connects to an IP literal without calling `lookup`, so literals are checked here.
    if (blockPrivate && isIP(literal) && isNonPublicAddress(literal)) {
      return resolve({ statusCode: null, error: "The host is a private or reserved address" });
    }
    // Endpoints registered before a name was known to be internal are refused here too, before any lookup.
    if (blockPrivate && !isIP(literal) && internalNameReason(literal)) {
      return resolve({ statusCode: null, error: "The host name is private or reserved" });
    }
    const client = target.protocol === "https:" ? https : http;
    const req = client.request(target, {
      method: "POST",
      headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
      lookup: blockPrivate || resolver ? guardedLookup(resolver ?? systemResolver, blockPrivate) : undefined,
      // One connection per delivery: a pooled socket could outlive the address check.
      agent: false,
    });
    // One deadline for the whole exchange, not just socket idleness.
    const deadline = setTimeout(() => {
      req.destroy(new Error(`No answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (chunk: Buffer) => {
        if (kept < MAX_RESPONSE_SNIPPET) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      const done = () => {
        const ok = status >= 200 && status < 300;
        const raw = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_SNIPPET).toString("utf8");
        // A cut multi-byte character at the end decodes as U+FFFD: dropped, and NUL is not storable text.
        const responseSnippet = raw.replace(/\uFFFD$/, "").replace(/\u0000/g, "");
        const snippet = responseSnippet.slice(0, MAX_ERROR_SNIPPET).replace(/\s+/g, " ").trim();
        finish({ statusCode: status, error: ok ? null : `HTTP ${status}${snippet ? `: ${snippet}` : ""}`, responseSnippet });
      };
      res.on("end", done);
      res.on("error", done);
      res.on("close", done);
    });
    req.on("error", (err) => {
      const message = err instanceof BlockedAddressError ? err.message : describeNetworkError(err);
      finish({ statusCode: null, error: message });
    });
    req.end(body);
  });

function describeNetworkError(err: Error & { code?: string }): string {
  // Codes and our own messages only: the raw text of some errors names internal details.
  if (err.code === "ECONNREFUSED") return "Connection refused";
  if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") return "The host name does not resolve";
  if (err.code === "ECONNRESET") return "The connection was reset";
  if (err.code?.startsWith("ERR_TLS") || err.code?.includes("CERT")) return `TLS error (${err.code})`;
  if (err.message.startsWith("No answer within")) return err.message;
  return err.code ? `Network error (${err.code})` : "Network error";
}
