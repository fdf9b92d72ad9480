// Request signing on the host-app side (CONTRACT §6), on WebCrypto so that the same code runs in
// Node ≥ 20, browsers, web views, Deno and workers. The server's twin is lib/sdk/signing.ts.

export type Body = string | Uint8Array;

const encoder = new TextEncoder();

/** The bytes as sent; WebCrypto and fetch want a buffer they own, not a view of a shared one. */
export function bodyBytes(body: Body | undefined): Uint8Array<ArrayBuffer> {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === "string" ? encoder.encode(body) : new Uint8Array(body);
}

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

/** `timestamp \n METHOD \n pathWithQuery \n hex SHA-256(body)`: the string the HMAC covers. */
export function canonicalString(timestamp: string, method: string, pathWithQuery: string, bodySha256: string): string {
  return `${timestamp}\n${method.toUpperCase()}\n${pathWithQuery}\n${bodySha256}`;
}

export interface SignedRequestParts {
  timestamp: string;
  method: string;
  pathWithQuery: string;
  body: Uint8Array<ArrayBuffer>;
}

export type Signer = (parts: SignedRequestParts) => Promise<string>;

/** A signer holding the secret as a non-extractable key, imported once rather than per request. */
export function createSigner(secret: string): Signer {
  const key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  // The failure, if any, surfaces on the first request; this only stops it being reported as unhandled.
  key.catch(() => undefined);
  return async ({ timestamp, method, pathWithQuery, body }) => {
    const canonical = canonicalString(timestamp, method, pathWithQuery, await sha256Hex(body));
    return toHex(await crypto.subtle.sign("HMAC", await key, encoder.encode(canonical)));
  };
}
