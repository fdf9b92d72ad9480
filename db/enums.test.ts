// The browser bundle never reaches the database layer: every module a client component imports (followed through
// the project's own imports) stays clear of drizzle, the schema and the database drivers. Server actions are the
// boundary: Next.js sends the browser a reference to a "use server" module, not its code, so the walk stops there.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const SERVER_ONLY = [/^drizzle-orm(\/|$)/, /^postgres$/, /^@electric-sql\/pglite/, /^@\/db$/, /^@\/db\/(schema|index|seed|queries)/];

// Value imports and re-exports; `import type` and `export type` are erased by the compiler and never bundled.
function valueImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm;
  for (const [, spec] of source.matchAll(re)) if (spec) out.push(spec);
  for (const [, spec] of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) if (spec) out.push(spec);
  return out;
}

function resolveLocal(spec: string, from: string): string | null {
  const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function clientEntries(): string[] {
  return ["app", "components", "lib"].flatMap((dir) =>
    (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".test.ts"))
      .map((f) => path.join(ROOT, dir, f))
      .filter((f) => /^\s*(\/\/[^\n]*\n\s*)*["']use client["']/.test(fs.readFileSync(f, "utf8"))),
  );
}

/** Every path from a client component to a server-only module, as "a.tsx → b.ts → drizzle-orm". */
export function serverOnlyReaches(entries: string[]): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, trail: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    if (trail.length > 0 && /^\s*["']use server["']/.test(source)) return;
    for (const spec of valueImports(source)) {
      const here = [...trail, path.relative(ROOT, file)];
      if (SERVER_ONLY.some((re) => re.test(spec))) {
        found.push([...here, spec].join(" → "));
        continue;
      }
      const next = resolveLocal(spec, file);
      if (next) walk(next, here);
    }
  };
  for (const entry of entries) walk(entry, []);
  return found;
}

describe("client bundles", () => {
  it("db/enums.ts imports nothing", () => {
    expect(valueImports(fs.readFileSync(path.join(ROOT, "db/enums.ts"), "utf8"))).toEqual([]);
  });

  it("finds the client components (the walk below has something to walk)", () => {
    const entries = clientEntries().map((f) => path.relative(ROOT, f));
    expect(entries).toContain("components/analytics/dashboard.tsx");
    expect(entries.length).toBeGreaterThan(20);
  });

  it("would notice a client component that imports the schema", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, ".data", "enums-test-"));
    try {
      const leaf = path.join(dir, "leaf.ts");
      const entry = path.join(dir, "entry.tsx");
      fs.writeFileSync(leaf, 'import { sql } from "drizzle-orm";\nexport const x = sql`1`;\n');
      fs.writeFileSync(entry, '"use client";\nimport type { Role } from "@/db/schema";\nimport { x } from "./leaf";\nexport const y: Role | typeof x = "owner";\n');
      expect(serverOnlyReaches([entry]).map((t) => t.split(" → ").at(-1))).toEqual(["drizzle-orm"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no client component reaches drizzle, the schema or a database driver", () => {
    expect(serverOnlyReaches(clientEntries())).toEqual([]);
  });
});
