// The arrows point down: pages (app/) use components, lib and db; components use lib and db; lib uses db; nothing
// the product runs imports a test helper. Server actions that components call live in lib/actions, not beside a page.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => path.join(dir, f));
}

/** Where each import of a file points, as a path from the repository root (or the package name). */
function importTargets(file: string): string[] {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specs = [...source.matchAll(/^\s*(?:import|export)\b[^'";]*?["']([^"']+)["']/gm), ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].flatMap(([, spec]) => (spec ? [spec] : []));
  return specs.map((spec) => (spec.startsWith("@/") ? spec.slice(2) : spec.startsWith(".") ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)) : spec));
}

function offences(dirs: string[], forbidden: RegExp): string[] {
  return dirs.flatMap((dir) => sources(dir).flatMap((file) => importTargets(file).filter((t) => forbidden.test(t)).map((t) => `${file} → ${t}`)));
}

/** Paths of the repository named in comments (and in the README), which must exist: a comment that points at a file is a promise. */
function namedPaths(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const prose = file.endsWith(".md")
    ? text
    : text
        .split("\n")
        .map((line) => line.match(/^\s*(?:\/\*+|\*)\s?(.*)$/)?.[1] ?? line.match(/\/\/(.*)$/)?.[1] ?? "")
        .join("\n");
  const re = /(?<![\w./@-])((?:app|lib|components|db|scripts|e2e|test|bench|sdk-client|public|\.ci)\/[\w\-[\]./]*\.(?:ts|tsx|mjs|sh|json|sql|md|css))\b/g;
  return [...prose.matchAll(re)].flatMap(([, p]) => (p ? [p] : []));
}

describe("comments", () => {
  it("every repository file a comment or the README names exists", () => {
    const files = ["README.md", ...["app", "components", "lib", "db", "scripts", "e2e", "test"].flatMap((dir) => sources(dir))];
    const missing = files.flatMap((file) => namedPaths(file).filter((p) => !fs.existsSync(path.join(ROOT, p))).map((p) => `${file} names ${p}`));
    expect(missing).toEqual([]);
  });

  it("reads paths out of comments", () => {
    expect(namedPaths("lib/services/hosts.ts")).toContain("components/hosts/error-text.ts");
  });
});

describe("one of each", () => {
  it("one module guards CSV against formula injection (lib/csv.ts), and every export goes through it", () => {
    const guards = ["app", "components", "lib", "db"].flatMap((dir) => sources(dir)).filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes("/^[=+\\-@"));
    expect(guards).toEqual(["lib/csv.ts"]);
  });

  const product = () => ["app", "components", "lib", "db"].flatMap((dir) => sources(dir)).map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")] as const);

  it("one id check (lib/ids.ts isId): no loader spells an id pattern of its own", () => {
    const own = product().filter(([, text]) => /\^(?:usr|org|ses|inv|tok|aud|hst|mp|ver|rev|asg|whk|dlv|evt|rel)_\[/.test(text)).map(([f]) => f);
    expect(own).toEqual([]);
  });

  it("one loader of a version by id (db/queries/versions.ts), one of a host app (db/queries/hosts.ts), and one join of an assignment's versions (db/queries/assignments.ts)", () => {
    const byId = product().filter(([, text]) => /eq\(versions\.id, versionId\)/.test(text)).map(([f]) => f);
    expect(byId).toEqual(["db/queries/versions.ts"]);
    // A read of one host by id (a conditional UPDATE names it too, but is a write, not a loader).
    const hostById = product().filter(([, text]) => /eq\(hostApps\.id, hostId\)\)\)\s*\.limit\(1\)/.test(text)).map(([f]) => f);
    expect(hostById).toEqual(["db/queries/hosts.ts"]);
    const joins = product().filter(([, text]) => /alias\(versions, "(?:stable|candidate|previous|trial)_v"\)/.test(text)).map(([f]) => f);
    expect(joins.sort()).toEqual(["db/queries/assignments.ts", "lib/release/runner.ts"]);
  });
});

describe("layering", () => {
  it("components, lib and db never import from app/", () => {
    expect(offences(["components", "lib", "db"], /^app\//)).toEqual([]);
  });

  it("nothing the product runs imports a test helper", () => {
    expect(offences(["app", "components", "lib", "db"], /(^|\/)(test|testing)(\/|$)/)).toEqual([]);
  });

  it("sees the imports it checks (a page's import of a component resolves to components/)", () => {
    expect(importTargets("app/o/[org]/reviews/page.tsx")).toContain("components/ui/button");
    expect(importTargets("lib/actions/reviews.ts")).toContain("lib/services/reviews");
  });
});
