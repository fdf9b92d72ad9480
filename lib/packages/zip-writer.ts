// The zip writer the demo seed builds its packages with, and the tests their hostile ones: stored or deflated
// entries, unix modes, and what hostile archives forge (lying sizes, raw names, symlinks). Output is deterministic.

import { crc32, deflateRawSync } from "node:zlib";

export type ZipEntryInput = {
  /** A string is written as UTF-8 (with the UTF-8 flag); a Buffer is written byte for byte, flag unset. */
  name: string | Buffer;
  data: Buffer | string;
  /** Default: deflate. */
  method?: "store" | "deflate";
  /** Unix mode with file-type bits, e.g. 0o100644 (file) or 0o120777 (symlink). Default by name. */
  mode?: number;
  /** Written as the uncompressed size in both headers instead of the real one. */
  claimedSize?: number;
};

const FLAG_UTF8 = 0x800;
const VERSION_NEEDED = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION_NEEDED;
// 2024-01-01 00:00: a fixed timestamp keeps identical inputs byte-identical.
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

type Written = { header: Buffer; name: Buffer; flags: number; method: number; crc: number; packedSize: number; size: number; mode: number; offset: number };

export function buildZip(entries: ZipEntryInput[]): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === "string" ? Buffer.from(entry.name, "utf8") : entry.name;
    const data = typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : entry.data;
    const method = entry.method === "store" ? 0 : 8;
    const packed = method === 0 ? data : deflateRawSync(data);
    const isDirectory = name.at(-1) === 0x2f;
    const w: Written = {
      header: Buffer.alloc(0),
      name,
      flags: typeof entry.name === "string" ? FLAG_UTF8 : 0,
      method,
      crc: crc32(data),
      packedSize: packed.length,
      size: entry.claimedSize ?? data.length,
      mode: entry.mode ?? (isDirectory ? 0o040755 : 0o100644),
      offset,
    };
    const local = localHeader(w);
    parts.push(local, name, packed);
    offset += local.length + name.length + packed.length;
    written.push(w);
  }
  const directoryStart = offset;
  for (const w of written) {
    const central = centralHeader(w);
    parts.push(central, w.name);
    offset += central.length + w.name.length;
  }
  parts.push(endOfCentralDirectory(written.length, offset - directoryStart, directoryStart));
  return Buffer.concat(parts);
}

function localHeader(w: Written): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION_NEEDED, 4);
  b.writeUInt16LE(w.flags, 6);
  b.writeUInt16LE(w.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(w.crc, 14);
  b.writeUInt32LE(w.packedSize, 18);
  b.writeUInt32LE(w.size, 22);
  b.writeUInt16LE(w.name.length, 26);
  b.writeUInt16LE(0, 28);
  return b;
}

function centralHeader(w: Written): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY_UNIX, 4);
  b.writeUInt16LE(VERSION_NEEDED, 6);
  b.writeUInt16LE(w.flags, 8);
  b.writeUInt16LE(w.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(w.crc, 16);
  b.writeUInt32LE(w.packedSize, 20);
  b.writeUInt32LE(w.size, 24);
  b.writeUInt16LE(w.name.length, 28);
  // extra field length, comment length, disk number start, internal attributes: all zero
  b.writeUInt32LE((w.mode << 16) >>> 0, 38);
  b.writeUInt32LE(w.offset, 42);
  return b;
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
}

export type MiniProgramPackageOptions = {
  appId: string;
  name?: string;
  version: string;
  /** Default: ["pages/index/index"]. Each page gets `<page>.html`, `<page>.js` and `<page>.css`. */
  pages?: string[];
  permissions?: string[];
  domains?: string[];
  minSdkVersion?: string;
  /** Page → the source of its `.js`; pages not named here get an empty `Page({})`. */
  code?: Record<string, string>;
  /** More files, path → content. */
  extraFiles?: Record<string, string | Buffer>;
};

/** The entries of a valid mini-program package, for callers that want to add or swap some before building. */
export function miniProgramEntries(opts: MiniProgramPackageOptions): ZipEntryInput[] {
  const pages = opts.pages ?? ["pages/index/index"];
  const manifest = {
    appId: opts.appId,
    name: opts.name ?? opts.appId,
    version: opts.version,
    pages,
    permissions: opts.permissions ?? [],
    domains: opts.domains ?? [],
    ...(opts.minSdkVersion ? { minSdkVersion: opts.minSdkVersion } : {}),
  };
  const pageEntries = pages.flatMap((page): ZipEntryInput[] => {
    const title = page.split("/").at(-1) ?? page;
    return [
      { name: `${page}.html`, data: `<view class="page">\n  <text>${title}</text>\n</view>\n` },
      { name: `${page}.js`, data: opts.code?.[page] ?? "Page({\n  data: {},\n});\n" },
      { name: `${page}.css`, data: ".page { padding: 16px; }\n" },
    ];
  });
  const extra = Object.entries(opts.extraFiles ?? {}).map(([name, data]) => ({ name, data }));
  return [{ name: "app.json", data: `${JSON.stringify(manifest, null, 2)}\n` }, ...pageEntries, ...extra];
}

export function buildMiniProgramPackage(opts: MiniProgramPackageOptions): Buffer {
  return buildZip(miniProgramEntries(opts));
}
