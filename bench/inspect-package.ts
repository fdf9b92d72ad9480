// tsx bench/inspect-package.ts: time and memory of inspecting packages full of real minified code (Next.js's
// own compiled runtimes from node_modules), in this process and through the worker pool. Issue 12 item 15
// asks that the parser-based scan stay bounded for 10 MiB of minified code; this prints what it costs.
// (Parsing stops at LIMITS.maxParsedScriptBytes per package; the rest is scanned by tokens.)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { inspectPackage } from "@/lib/packages/inspect";
import { inspectPackageOffThread } from "@/lib/packages/inspect-pool";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";

const MiB = 1024 * 1024;
const nextDir = path.dirname(createRequire(import.meta.url).resolve("next/package.json"));
const sources = ["app-page-turbo.runtime.prod.js", "app-page.runtime.prod.js", "app-route.runtime.prod.js", "pages-api.runtime.prod.js"].map((f) =>
  readFileSync(path.join(nextDir, "dist/compiled/next-server", f), "utf8"),
);
/** Up to `bytes` of minified code: whole real bundles end to end, so the file is one valid script. */
function minified(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; ; i += 1) {
    const next = `${sources[i % sources.length]};\n`;
    if (size + next.length > bytes) break;
    parts.push(next);
    size += next.length;
  }
  return parts.join("");
}

/** Exactly `bytes` of minified code, cut mid-bundle: what the per-file scan cap leaves of a larger file. */
function cut(bytes: number): string {
  return minified(bytes * 2).slice(0, bytes);
}

const manifest = { appId: "com.bench.minified", version: "1.0.0", domains: ["https://api.example.com"] };
const scenarios: [string, Record<string, string>][] = [
  ["10 MiB minified in 6 files", Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`lib/chunk${i}.js`, minified(Math.floor((10 * MiB) / 6))]))],
  ["one 10 MiB minified file (first 2 MiB scanned, cut mid-code)", { "lib/vendor.js": cut(10 * MiB) }],
  ["30 MiB minified in 15 files (about what 10 MiB packed holds)", Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`lib/c${i}.js`, minified(2 * MiB)]))],
];

function peakSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

for (const [label, files] of scenarios) {
  const zip = buildMiniProgramPackage({ ...manifest, extraFiles: files });
  const unpacked = Object.values(files).reduce((n, s) => n + s.length, 0);
  const rssBefore = process.memoryUsage().rss;
  const stop = peakSampler();
  let t = performance.now();
  const inline = await inspectPackage(zip);
  const inlineMs = performance.now() - t;
  const peak = stop();
  t = performance.now();
  const pooled = await inspectPackageOffThread(zip);
  const pooledMs = performance.now() - t;
  console.log(
    `${label}: ${(zip.length / MiB).toFixed(1)} MiB packed, ${(unpacked / MiB).toFixed(1)} MiB code; ` +
      `in-process ${inlineMs.toFixed(0)} ms, RSS +${((peak - rssBefore) / MiB).toFixed(0)} MiB (peak ${(peak / MiB).toFixed(0)} MiB); ` +
      `worker ${pooledMs.toFixed(0)} ms; ok=${inline.ok}/${pooled.ok}, warnings ${inline.warnings.length}`,
  );
}
