import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // PGlite loads its WASM through file URLs; bundling it breaks every request at run time (STACK-NOTES).
  // semver is external so every route shares one module: the manifest snapshot cache lives on globalThis
  // and holds SemVer objects, which fail `instanceof` against another route bundle's copy of the class.
  // roaring-wasm (the distinct-set bitmaps) reads its index.wasm beside its own module: bundled, it looks under the bundle root.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "yauzl", "semver", "roaring-wasm"],
  poweredByHeader: false,
  // `next build` typechecks the whole project again; CI sets ATRIUM_TYPECHECKED=1 after its own `npm run
  // typecheck` passed, so the check is not paid twice. Everyone else's build keeps it.
  typescript: { ignoreBuildErrors: process.env.ATRIUM_TYPECHECKED === "1" },
  experimental: {
    serverActions: { bodySizeLimit: "12mb" },
    // The proxy buffers request bodies up to this size and silently truncates beyond it; above our own
    // 10 MiB package limit, so an oversized upload reaches the handler and gets its 413.
    proxyClientMaxBodySize: "12mb",
  },
};

export default withNextIntl(nextConfig);
