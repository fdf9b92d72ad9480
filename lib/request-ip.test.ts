// The client's address comes from the socket unless TRUSTED_PROXIES says which forwarded entries to believe
// (issue 12, item 2): a client that writes X-Forwarded-For or our own header changes nothing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, clientIpFromHeaders, installClientIpHook, parseTrustedProxies, resolveClientIp, stampClientIp } from "./request-ip";

describe("resolveClientIp", () => {
  const none = parseTrustedProxies(undefined);
  it.each([
    ["no proxies: the socket, whatever the client wrote", "203.0.113.7", "1.2.3.4", none, "203.0.113.7"],
    ["no proxies, IPv4-mapped socket", "::ffff:203.0.113.7", undefined, none, "203.0.113.7"],
    ["one hop: the entry the proxy appended", "10.0.0.2", "6.6.6.6, 198.51.100.9", parseTrustedProxies("1"), "198.51.100.9"],
    ["one hop, no header: the socket", "10.0.0.2", undefined, parseTrustedProxies("1"), "10.0.0.2"],
    ["two hops", "10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.3", parseTrustedProxies("2"), "198.51.100.9"],
    ["list: walks past trusted hops only", "10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.3", parseTrustedProxies("10.0.0.0/8"), "198.51.100.9"],
    ["list: an untrusted socket is the client", "198.51.100.1", "6.6.6.6", parseTrustedProxies("10.0.0.0/8, ::1"), "198.51.100.1"],
    ["list: a forged entry left of the real client is never read", "127.0.0.1", "1.1.1.1, 203.0.113.5", parseTrustedProxies("127.0.0.1"), "203.0.113.5"],
    ["list: garbage where the client should be is unknown", "127.0.0.1", "not-an-ip", parseTrustedProxies("127.0.0.1"), null],
  ] as const)("%s", (_name, peer, xff, trusted, want) => {
    expect(resolveClientIp(peer, xff, trusted)).toBe(want);
  });

  it("refuses a malformed setting rather than trusting anything", () => {
    expect(() => parseTrustedProxies("10.0.0.0/40")).toThrow(/prefix/);
    expect(() => parseTrustedProxies("proxy.example")).toThrow(/not an address/);
    expect(parseTrustedProxies("0")).toEqual({ kind: "none" });
  });
});

describe("the header stamp", () => {
  it("ignores an address a client wrote into the header itself", () => {
    stampClientIp(new Headers(), "192.0.2.1"); // makes sure this process has a secret
    expect(clientIpFromHeaders(new Headers({ [CLIENT_IP_HEADER]: "192.0.2.44" }))).toBeNull();
    expect(clientIpFromHeaders(new Headers({ [CLIENT_IP_HEADER]: "guess 192.0.2.44" }))).toBeNull();
    expect(clientIpFromHeaders(new Headers({ "x-forwarded-for": "192.0.2.44", "x-real-ip": "192.0.2.44" }))).toBeNull();
    const h = new Headers();
    stampClientIp(h, "192.0.2.1");
    expect(clientIpFromHeaders(h)).toBe("192.0.2.1");
  });
});

describe("installClientIpHook on a real HTTP server", () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    installClientIpHook({});
    server = http.createServer((req, res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") h.set(k, v);
      res.end(String(clientIpFromHeaders(h)));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("answers the socket address whatever X-Forwarded-For and our header say", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6", [CLIENT_IP_HEADER]: "6.6.6.6" },
    });
    expect(await res.text()).toBe("127.0.0.1");
  });
});
