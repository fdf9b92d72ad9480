// A newcomer's first `npm install`: it must neither warn about the Node version the README names nor rewrite the
// committed lockfile. Both are properties of package.json and package-lock.json, checked here without a network.
import fs from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
type LockEntry = { version?: string; engines?: { node?: string } | string[]; optionalDependencies?: Record<string, string>; dev?: boolean };
const packages: Record<string, LockEntry> = lock.packages;

describe("install on the Node version the README names", () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it("every locked package accepts the oldest supported Node", () => {
    const refused = Object.entries(packages)
      .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.satisfies(oldest, (p.engines as { node: string }).node, { includePrerelease: true }))
      .map(([name, p]) => `${name}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });

  it("the lockfile is the one a clean install writes: every optional platform build of a locked package is listed", () => {
    // npm records every optional dependency (other platforms' @next/swc, @tailwindcss/oxide, …) even when it does
    // not install them; a lockfile written without them is rewritten by the next `npm install`.
    const missing: string[] = [];
    for (const [name, p] of Object.entries(packages)) {
      for (const dep of Object.keys(p.optionalDependencies ?? {})) {
        const nested = `${name}/node_modules/${dep}`;
        if (!packages[nested] && !packages[`node_modules/${dep}`]) missing.push(`${name || "(root)"} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("package.json and the lockfile agree on every direct dependency", () => {
    const direct = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    const root = packages[""] as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    expect({ ...root.dependencies, ...root.devDependencies }).toEqual(direct);
    for (const [name, range] of Object.entries(direct)) {
      expect(semver.satisfies(packages[`node_modules/${name}`]!.version!, range), `${name} ${range}`).toBe(true);
    }
  });
});
