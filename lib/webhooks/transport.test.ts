// Issue 12, item 7: the resolve-time address check, driven by a resolver the test controls. The name is
// resolved once per delivery, every address it resolves to is checked, and the socket uses exactly those.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendWebhookRequest, type Resolver } from "./transport";

let server: http.Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  hits = 0;
});

/** A DNS that answers what the test says, and counts the questions. */
function resolverOf(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const fn: Resolver = async (hostname) => {
    calls.push(hostname);
    const list = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}

const send = (resolve: Resolver, blockPrivate: boolean) =>
  sendWebhookRequest({ url: `http://hooks.atrium-partner.com:${port}/in`, body: "{}", headers: {}, timeoutMs: 3_000, blockPrivate, resolver: resolve });

describe("resolve-time address check", () => {
  it.each([
    ["loopback", ["127.0.0.1"]],
    ["cloud metadata", ["169.254.169.254"]],
    ["a private address behind a public one", ["93.184.216.34", "10.0.0.7"]],
    ["IPv6 loopback", ["::1"]],
    ["IPv4-mapped loopback", ["::ffff:127.0.0.1"]],
  ])("refuses a public-looking name that resolves to %s, and never connects", async (_, addresses) => {
    const dns = resolverOf(addresses);
    const r = await send(dns, true);
    expect(r).toEqual({ statusCode: null, error: "The host resolves to a private or reserved address" });
    expect(dns.calls).toEqual(["hooks.atrium-partner.com"]);
    expect(hits).toBe(0);
  });

  it("connects to exactly the address the check saw (the name does not exist in the system's DNS)", async () => {
    const dns = resolverOf(["127.0.0.1"]);
    const r = await send(dns, false);
    expect(r).toMatchObject({ statusCode: 200, error: null });
    expect(hits).toBe(1);
  });

  it("resolves once per delivery, so a rebinding DNS cannot swap the address after the check", async () => {
    // First answer public-looking but private on the second question: the check and the socket share one answer.
    const dns = resolverOf(["10.0.0.7"], ["93.184.216.34"]);
    const r = await send(dns, true);
    expect(r.error).toMatch(/private or reserved/);
    expect(dns.calls).toHaveLength(1);
    expect(hits).toBe(0);
  });

  it("refuses an internal name registered before it was refused at registration, without asking the DNS", async () => {
    const dns = resolverOf(["93.184.216.34"]);
    const r = await sendWebhookRequest({ url: `https://metadata.google.internal/x`, body: "{}", headers: {}, timeoutMs: 3_000, blockPrivate: true, resolver: dns });
    expect(r).toEqual({ statusCode: null, error: "The host name is private or reserved" });
    expect(dns.calls).toEqual([]);
  });

  it("reports a name that does not resolve", async () => {
    const r = await send(resolverOf([]), true);
    expect(r).toEqual({ statusCode: null, error: "The host name does not resolve" });
  });
});
