// For tests: the route handlers under app/api, found on disk and called in-process like Next would call them,
// by method and URL. The CLI, idempotency and OpenAPI tests use it as their "server".
import fs from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";

const ROOT = path.resolve(import.meta.dirname, "..");
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

type Handler = (req: NextRequest, seg: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type DiskRoute = { file: string; template: string; methods: string[]; pattern: RegExp; names: string[] };

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name === "route.ts" ? [p] : [];
  });
}

/** Every app/api route file, as an OpenAPI path template (`/api/v1/hosts/{hostId}`) and its exported methods. */
export function diskRoutes(): DiskRoute[] {
  return walk(path.join(ROOT, "app/api"))
    .sort()
    .map((file) => {
      const template = "/" + path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).join("/").replace(/\[(?:\.\.\.)?([^\]]+)\]/g, "{$1}");
      const src = fs.readFileSync(file, "utf8");
      const methods = HTTP_METHODS.filter((m) => new RegExp(`export (const|async function|function) ${m}\\b|export \\{[^}]*\\b${m}\\b`).test(src));
      const names: string[] = [];
      const pattern = new RegExp(
        "^" +
          template.replace(/\{([^}]+)\}/g, (_m, n: string) => {
            names.push(n);
            return "([^/]+)";
          }) +
          "$",
      );
      return { file, template, methods, pattern, names };
    });
}

const modules = new Map<string, Record<string, unknown>>();

/** A fetch that answers from the route handlers, for `http://<anything>/api/...` URLs. */
export function inProcessFetch(routes = diskRoutes()) {
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const method = req.method.toUpperCase();
    for (const r of routes) {
      const m = url.pathname.match(r.pattern);
      if (!m) continue;
      if (!r.methods.includes(method)) return new Response(null, { status: 405 });
      let mod = modules.get(r.file);
      if (!mod) modules.set(r.file, (mod = (await import(r.file)) as Record<string, unknown>));
      const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(await req.arrayBuffer());
      const nreq = new NextRequest(url, { method, headers: req.headers, body: body && body.length ? body : undefined });
      return (mod[method] as Handler)(nreq, { params: Promise.resolve(params) });
    }
    return new Response(JSON.stringify({ error: { code: "not_found", message: "No such route" } }), { status: 404 });
  };
}

/**
 * Serves a fetch handler over real HTTP on a loopback port, for tests whose client must go through the network
 * (signed SDK requests, as a device sends them). Answers the base URL and a function that stops the server.
 */
export async function serveOverHttp(handler: (req: Request) => Promise<Response>): Promise<{ url: string; close: () => Promise<void> }> {
  const http = await import("node:http");
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        try {
          const body = Buffer.concat(chunks);
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
          const answer = await handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined }));
          res.writeHead(answer.status, Object.fromEntries(answer.headers));
          res.end(Buffer.from(await answer.arrayBuffer()));
        } catch (e) {
          res.writeHead(500);
          res.end(String(e));
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as import("node:net").AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
