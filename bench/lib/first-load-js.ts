// First-load JavaScript per route, read from the production build: the root main files every page loads, plus
// the entry chunks of each layout and the page in the route's client reference manifest; each distinct file
// counted once, gzipped (level 9, as a CDN would serve it). Turbopack builds no longer print this table.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

export type RouteJs = { route: string; files: number; rawBytes: number; gzipBytes: number };

/** The union of the route's JS files, in build-relative paths ("static/chunks/…"). */
export function routeFiles(rootMainFiles: readonly string[], entryJSFiles: Record<string, readonly string[]>): string[] {
  const out = new Set<string>(rootMainFiles);
  for (const files of Object.values(entryJSFiles)) for (const f of files) out.add(f.replace(/^\/_next\//, ""));
  return [...out].sort();
}

export function firstLoadJs(distDir: string, routes: readonly string[]): RouteJs[] {
  const build = JSON.parse(fs.readFileSync(path.join(distDir, "build-manifest.json"), "utf8")) as { rootMainFiles?: string[] };
  const gz = new Map<string, { raw: number; gz: number }>();
  const sizeOf = (rel: string) => {
    let s = gz.get(rel);
    if (!s) {
      const bytes = fs.readFileSync(path.join(distDir, rel));
      s = { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
      gz.set(rel, s);
    }
    return s;
  };
  return routes.map((route) => {
    const page = `${route === "/" ? "" : route}/page`;
    const file = path.join(distDir, "server/app", `${page}_client-reference-manifest.js`);
    const ctx: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
    ctx.globalThis = ctx;
    vm.runInNewContext(fs.readFileSync(file, "utf8"), ctx);
    const manifest = ctx.__RSC_MANIFEST?.[page];
    if (!manifest?.entryJSFiles) throw new Error(`no client reference manifest for ${route}`);
    const files = routeFiles(build.rootMainFiles ?? [], manifest.entryJSFiles);
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const f of files) {
      const s = sizeOf(f);
      rawBytes += s.raw;
      gzipBytes += s.gz;
    }
    return { route, files: files.length, rawBytes, gzipBytes };
  });
}
