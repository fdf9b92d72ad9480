// Hostile input that only a real HTTP server sees (issue #9): overlong headers, bytes that are not text in the
// request line, a Content-Length that lies, a body that trickles or never ends, framing that could smuggle a
// second request. Each is answered with its 4xx (the API's error shape where the request reached a route) and
// the server answers /api/health and an authenticated request afterwards. The per-route sweep of bodies,
// queries and ids runs in-process: test/hostile-input.test.ts. Self-contained: it writes nothing, reads only
// the seeded token and SDK key.
import { createHash, createHmac } from "node:crypto";
import net from "node:net";
import { expect, test, type APIRequestContext } from "@playwright/test";

const TOKEN = `${process.env.SEED_API_TOKEN_PREFIX ?? "t_"}owner_demo`;
const SDK_KEY = process.env.SEED_SDK_KEY ?? "ak_e2e_demo_key";
const SDK_SECRET = process.env.SEED_SDK_SECRET ?? "sk_e2e_demo_secret";
const AUTH = `Authorization: Bearer ${TOKEN}\r\n`;
const CLOSE = "Host: 127.0.0.1\r\nConnection: close\r\n";

let port = 0;
test.beforeAll(({ baseURL }) => {
  port = Number(new URL(baseURL!).port);
});

type Exchange = {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** The status of each response in it, in order. */
  statuses: number[];
};

/**
 * One raw TCP connection: writes `parts` (with `gapMs` between them), then optionally half-closes, and collects
 * what comes back until the server closes or `waitMs` passes. A reset or a broken pipe is an answer too.
 */
function exchange(parts: (string | Buffer)[], opts: { gapMs?: number; end?: boolean; waitMs?: number } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ text, statuses: [...text.matchAll(/^HTTP\/1\.[01] (\d{3}) /gm)].map((m) => Number(m[1])) });
    };
    const timer = setTimeout(finish, opts.waitMs ?? 5000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", finish);
    socket.on("error", finish);
    socket.on("connect", async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
        if (socket.destroyed) return;
        socket.write(part);
      }
      if (opts.end) socket.end();
    });
  });
}

/** The JSON body of the first response, when it has one (chunked or not). */
function firstJson(text: string): unknown {
  const body = text.split("\r\n\r\n").slice(1).join("\r\n\r\n");
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  return start >= 0 && end > start ? JSON.parse(body.slice(start, end + 1)) : null;
}

function expectApiError(x: Exchange, status: number, code: string) {
  expect(x.statuses[0], x.text.slice(0, 300)).toBe(status);
  expect(firstJson(x.text)).toMatchObject({ error: { code, message: expect.any(String) } });
}

async function expectHealthy(request: APIRequestContext) {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
}

/** CONTRACT §6's signature headers for a request. */
function sdkHeaders(method: string, target: string, body: string | Buffer = ""): string {
  const ts = String(Math.floor(Date.now() / 1000));
  const bodyHash = createHash("sha256").update(body).digest("hex");
  const sig = createHmac("sha256", SDK_SECRET).update(`${ts}\n${method}\n${target}\n${bodyHash}`).digest("hex");
  return `X-MP-Key: ${SDK_KEY}\r\nX-MP-Timestamp: ${ts}\r\nX-MP-Signature: ${sig}\r\n`;
}

const line = (s: string) => Buffer.from(s, "latin1");

test.describe("hostile transport", () => {
  test.afterEach(async ({ request }) => {
    await expectHealthy(request);
  });

  test.describe("overlong headers answer 431", () => {
    const cases: [string, string][] = [
      ["a 64 KiB header value", `GET /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}X-Big: ${"a".repeat(65_536)}\r\n\r\n`],
      ["a 20,000-character header name", `GET /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}${"X".repeat(20_000)}: 1\r\n\r\n`],
      ["3,000 headers", `GET /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}${Array.from({ length: 3000 }, (_, i) => `X-H${i}: 1\r\n`).join("")}\r\n`],
      ["a 64 KiB request target", `GET /api/v1/hosts?q=${"a".repeat(65_536)} HTTP/1.1\r\n${CLOSE}${AUTH}\r\n`],
      ["a 64 KiB SDK signature", `GET /api/sdk/v1/manifest HTTP/1.1\r\n${CLOSE}X-MP-Key: ${SDK_KEY}\r\nX-MP-Timestamp: 1\r\nX-MP-Signature: ${"ab".repeat(32_768)}\r\n\r\n`],
    ];
    for (const [name, raw] of cases) {
      test(name, async () => {
        expect((await exchange([raw])).statuses).toEqual([431]);
      });
    }
  });

  test.describe("malformed request lines and headers answer 400", () => {
    const cases: [string, Buffer][] = [
      ["bytes that are not UTF-8 in the request target", Buffer.concat([line("GET /api/v1/hosts/"), Buffer.from([0xff, 0xfe]), line(` HTTP/1.1\r\n${CLOSE}${AUTH}\r\n`)])],
      ["a control character in the request target", Buffer.concat([line("GET /api/v1/hosts"), Buffer.from([0x01]), line(` HTTP/1.1\r\n${CLOSE}${AUTH}\r\n`)])],
      ["a NUL byte in a header value", Buffer.concat([line(`GET /api/sdk/v1/manifest HTTP/1.1\r\n${CLOSE}X-MP-Key: ak`), Buffer.from([0]), line("x\r\n\r\n")])],
      ["an unknown method", line(`BREW /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}\r\n`)],
      ["an unknown HTTP version", line(`GET /api/v1/hosts HTTP/9.9\r\n${CLOSE}${AUTH}\r\n`)],
      ["a header line without a colon", line(`GET /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}NoColonHere\r\n\r\n`)],
      ["a folded header (obs-fold)", line(`GET /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}X-A: a\r\n  folded\r\n\r\n`)],
      ["Content-Length and Transfer-Encoding together", line(`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)],
      ["two different Content-Lengths", line(`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`)],
      ["a non-numeric Content-Length", line(`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Length: abc\r\n\r\n{}`)],
      ["a negative Content-Length", line(`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Length: -1\r\n\r\n{}`)],
    ];
    for (const [name, raw] of cases) {
      test(name, async () => {
        expect((await exchange([raw])).statuses).toEqual([400]);
      });
    }
  });

  test("a method the route does not export answers 405", async () => {
    const x = await exchange([`PUT /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`]);
    expect(x.statuses).toEqual([405]);
  });

  test("a Content-Length of 10^12 is refused before the body is read (413)", async () => {
    const x = await exchange([`POST /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{}`]);
    expectApiError(x, 413, "payload_too_large");
  });

  test("a chunked JSON body past 256 KiB is cut off at the limit (413)", async () => {
    const chunk = `{"name":"${"a".repeat(64 * 1024)}`;
    const framed = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
    const x = await exchange(
      [`POST /api/v1/hosts HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, ...Array.from({ length: 6 }, () => framed(chunk)), "0\r\n\r\n"],
      { gapMs: 20 },
    );
    expectApiError(x, 413, "payload_too_large");
  });

  test("a chunked SDK event batch past 1 MiB is cut off at the limit (413)", async () => {
    const chunk = "x".repeat(128 * 1024);
    const framed = `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    // Signed over a body it never sends: the size limit is checked while reading, before the signature.
    const x = await exchange(
      [`POST /api/sdk/v1/events HTTP/1.1\r\n${CLOSE}${sdkHeaders("POST", "/api/sdk/v1/events", "{}")}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, ...Array.from({ length: 12 }, () => framed), "0\r\n\r\n"],
      { gapMs: 10 },
    );
    expectApiError(x, 413, "payload_too_large");
  });

  test("a Content-Length shorter than the body: the rest is a malformed next request, and nothing is created", async ({ request }) => {
    const body = '{"appId":"com.smuggled.app","name":"Smuggled"}';
    const x = await exchange([`POST /api/v1/mini-programs HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 5\r\n\r\n${body}`]);
    // `{"app` is not JSON (422); what follows is not a request line, and Node answers that 400 and closes the
    // connection, usually before the route has answered the first.
    expect(x.statuses).toContain(400);
    for (const s of x.statuses) expect([400, 422], x.text.slice(0, 300)).toContain(s);
    const got = await request.get("/api/v1/mini-programs/com.smuggled.app", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(got.status()).toBe(404);
  });

  test("a Content-Length longer than the body, then the client half-closes: 400", async () => {
    const x = await exchange([`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"appId":`], { end: true, waitMs: 3000 });
    expect(x.statuses, x.text.slice(0, 300)).toEqual([400]);
  });

  test("a Content-Length longer than the body, then the client vanishes: the server carries on", async () => {
    const x = await exchange([`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"appId":`], { waitMs: 500 });
    expect(x.statuses).toEqual([]);
  });

  test("a body that trickles in does not hold up other requests, and is judged when complete", async ({ request }) => {
    const body = '{"appId": 12345, "name": "Trickle"}';
    const bytes = [...body];
    const slow = exchange(
      [`POST /api/v1/mini-programs HTTP/1.1\r\n${CLOSE}${AUTH}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, ...bytes],
      { gapMs: 100, waitMs: 15_000 },
    );
    // While it trickles (about 3.5 s), the server answers others at once.
    await new Promise((r) => setTimeout(r, 500));
    await expectHealthy(request);
    const list = await request.get("/api/v1/hosts?limit=1", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.status()).toBe(200);
    const x = await slow;
    expectApiError(x, 422, "invalid_input");
  });

  test("bad percent-encoding in a path answers 400", async () => {
    // Next 16.4 answers 500 text/plain: on a DecodeError it renders /400, which fails in an app with a catch-all
    // route (app/api/auth/[...nextauth]), and falls back to 500. Upstream: vercel/next.js#94278 (fix: PR #94283).
    test.fail(true, "Next.js answers 500 for an undecodable path (vercel/next.js#94278)");
    for (const target of ["/api/v1/hosts/%E0%A4%A", "/api/v1/hosts/%ZZ", "/api/sdk/v1/packages/%E0%A4%A"]) {
      const x = await exchange([`GET ${target} HTTP/1.1\r\n${CLOSE}${AUTH}\r\n`]);
      expect(x.statuses, target).toEqual([400]);
    }
  });

  test("a NUL in a path segment names nothing (404), in the API's error shape", async () => {
    expectApiError(await exchange([`GET /api/v1/hosts/%00 HTTP/1.1\r\n${CLOSE}${AUTH}\r\n`]), 404, "not_found");
    const target = "/api/sdk/v1/manifest?user=%00";
    expectApiError(await exchange([`GET ${target} HTTP/1.1\r\n${CLOSE}${sdkHeaders("GET", target)}\r\n`]), 422, "invalid_input");
  });
});

test("after all of it the server answers a health check and an authenticated request", async ({ request }) => {
  await expectHealthy(request);
  const hosts = await request.get("/api/v1/hosts?limit=1", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(hosts.status()).toBe(200);
  expect(await hosts.json()).toMatchObject({ items: expect.any(Array) });
});
