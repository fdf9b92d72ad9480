// The client's address, for sign-in throttling, sessions and the audit log.
//
// Next.js hands route handlers, server actions and Auth.js only headers, never the socket, and it fills
// `X-Forwarded-For` from the socket only when the request carries none, so any client can write the address
// we would read. So the HTTP server itself stamps every request (installClientIpHook, from instrumentation.ts):
// it reads the socket's address, and walks `X-Forwarded-For` only as far as TRUSTED_PROXIES allows, and writes
// the result into CLIENT_IP_HEADER with a per-process secret. A header that lacks the secret (sent by a client,
// or a server where the hook is not installed) is ignored: the address is then unknown (null), never guessed.
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

export const CLIENT_IP_HEADER = "x-atrium-client-ip";
const MAX_HOPS = 32;

export type TrustedProxies = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; list: BlockList; raw: string };

/**
 * TRUSTED_PROXIES: unset for none (the socket address is the client); a number N for "N proxies in front of
 * the console, each appending to X-Forwarded-For"; or a comma-separated list of addresses and CIDRs whose
 * X-Forwarded-For entries are believed. Anything else is a configuration error.
 */
export function parseTrustedProxies(raw: string | undefined): TrustedProxies {
  const s = (raw ?? "").trim();
  if (!s) return { kind: "none" };
  if (/^\d+$/.test(s)) {
    const hops = Number(s);
    if (hops > MAX_HOPS) throw new Error(`TRUSTED_PROXIES: at most ${MAX_HOPS} hops`);
    return hops === 0 ? { kind: "none" } : { kind: "hops", hops };
  }
  const list = new BlockList();
  for (const part of s.split(/[\s,]+/).filter(Boolean)) {
    const [addr, prefix, extra] = part.split("/");
    const family = isIP(addr ?? "");
    if (!family || extra !== undefined) throw new Error(`TRUSTED_PROXIES: "${part}" is not an address or CIDR`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(addr!, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`TRUSTED_PROXIES: "${part}" has a bad prefix length`);
    list.addSubnet(addr!, bits, type);
  }
  return { kind: "list", list, raw: s };
}

function normalize(address: string | undefined): string | null {
  if (!address) return null;
  const bare = address.trim().replace(/^\[|\]$/g, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return isIP(bare) ? bare : null;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address from the socket's peer and the X-Forwarded-For it came with. Entries that no trusted
 * hop wrote are never read, so a client cannot choose the answer by sending the header.
 */
export function resolveClientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string | null {
  const socket = normalize(peer);
  if (trusted.kind === "none" || !socket) return socket;
  const xff = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .slice(-MAX_HOPS);
  const chain = [...xff, socket];
  if (trusted.kind === "hops") return normalize(chain[Math.max(0, chain.length - 1 - trusted.hops)]);
  let i = chain.length - 1;
  for (; i > 0; i--) {
    const a = normalize(chain[i]);
    if (!a || !isTrusted(trusted.list, a)) break;
  }
  return normalize(chain[i]);
}

type GlobalWithStamp = typeof globalThis & { __atriumClientIpSecret?: string; __atriumClientIpHook?: boolean };
const g = globalThis as GlobalWithStamp;

// Shared through globalThis: instrumentation and the route bundles are separate module graphs in one process.
function stampSecret(): string {
  g.__atriumClientIpSecret ??= randomBytes(18).toString("base64url");
  return g.__atriumClientIpSecret;
}

/** Writes the stamped address into a header map (the HTTP server's hook; tests that play a request's origin). */
export function stampClientIp(headers: { set(name: string, value: string): void; delete(name: string): void }, ip: string | null): void {
  if (ip) headers.set(CLIENT_IP_HEADER, `${stampSecret()} ${ip}`);
  else headers.delete(CLIENT_IP_HEADER);
}

/** The address this server's own HTTP layer stamped on the request; null when unknown. */
export function clientIpFromHeaders(headers: Headers): string | null {
  const v = headers.get(CLIENT_IP_HEADER);
  const secret = g.__atriumClientIpSecret;
  if (!v || !secret) return null;
  const space = v.indexOf(" ");
  if (space < 0 || v.slice(0, space) !== secret) return null;
  return normalize(v.slice(space + 1));
}

/**
 * Stamps every request the process's HTTP servers receive, before Next.js sees it. `next start` creates its
 * server itself and exposes no hook, so this wraps `emit("request")` on the server prototypes.
 */
export function installClientIpHook(env: Record<string, string | undefined> = process.env): void {
  if (g.__atriumClientIpHook) return;
  let trusted: TrustedProxies;
  try {
    trusted = parseTrustedProxies(env.TRUSTED_PROXIES);
  } catch (e) {
    // A wrong setting must not make forwarded headers trusted; the socket address is the safe reading.
    console.error(`[atrium] ${(e as Error).message}; using the socket address`);
    trusted = { kind: "none" };
  }
  for (const proto of [http.Server.prototype, https.Server.prototype] as { emit: (event: string | symbol, ...args: unknown[]) => boolean }[]) {
    const original = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        const ip = resolveClientIp(req.socket?.remoteAddress, req.headers["x-forwarded-for"], trusted);
        if (ip) req.headers[CLIENT_IP_HEADER] = `${stampSecret()} ${ip}`;
        else delete req.headers[CLIENT_IP_HEADER];
      }
      return original.call(this, event, ...args);
    };
  }
  g.__atriumClientIpHook = true;
}
