// A read-only, in-memory view of a zip archive on top of yauzl, hardened for hostile uploads.
//
// yauzl parses the central directory and local headers; decompression is ours, so that every byte is
// counted as it comes out and the inflater is torn down the moment a limit is crossed.

import { crc32, createInflateRaw, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";

/** Why an archive or one of its entries cannot be read, as the report says it (findings.json `not_zip.*`). */
export type ZipProblem =
  | "noDirectory"
  | "damagedDirectory"
  | "unsupported"
  | "damagedData"
  | "checksum"
  | "sizeMismatch"
  | "localHeaderName"
  | "localHeaderDamaged"
  | "encrypted"
  | "method";

/**
 * The archive is not a zip we can read: bad structure, truncated data, unsupported features. `message` is
 * for logs (it may carry yauzl's wording); `problem` and `params` are what the uploader is told.
 */
export class ZipFormatError extends Error {
  constructor(
    message: string,
    readonly problem: ZipProblem = "damagedDirectory",
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = "ZipFormatError";
  }
}

/** Sorts yauzl's wording of an archive-level failure into what an uploader can act on. */
function archiveProblem(err: Error): ZipFormatError {
  const text = err.message;
  if (/end of central directory record signature not found/i.test(text)) return new ZipFormatError(text, "noDirectory");
  const unsupported = /(multi-disk|encrypted|strong encryption)/i.exec(text);
  if (unsupported) return new ZipFormatError(text, "unsupported", { feature: unsupported[1]!.toLowerCase() });
  return new ZipFormatError(text, "damagedDirectory");
}

// yauzl 3 API that @types/yauzl (written for 2.x) does not describe.
type LocalFileHeader = { fileDataStart: number; fileName: Buffer };
type Yauzl3Entry = yauzl.Entry & { fileNameRaw: Buffer };
type Yauzl3ZipFile = yauzl.ZipFile & {
  readLocalFileHeader(
    entry: yauzl.Entry,
    options: { minimal: false },
    callback: (err: Error | null, header: LocalFileHeader) => void,
  ): void;
};
type Yauzl3 = typeof yauzl & {
  getFileNameLowLevel(
    generalPurposeBitFlag: number,
    fileNameRaw: Buffer,
    extraFields: { id: number; data: Buffer }[],
    strictFileNames: boolean,
  ): string;
};

/**
 * How an entry's name was decoded. `utf8-flag`: the archive says UTF-8 (flag bit 11 or an Info-ZIP Unicode Path
 * field); `ascii`: no byte above 0x7f; `utf8`: unflagged but valid UTF-8, as Info-ZIP's `zip` writes on Linux
 * and `unzip` reads; `gb18030`: unflagged, not UTF-8, valid GB18030 (Windows' zip in a Chinese locale writes
 * GBK); `cp437`: the zip format's default, for anything else.
 */
export type NameEncoding = "utf8-flag" | "ascii" | "utf8" | "gb18030" | "cp437";

export type ZipEntry = {
  /** Decoded (see NameEncoding) with a leading "./" removed; backslashes kept. */
  name: string;
  nameRaw: Buffer;
  nameEncoding: NameEncoding;
  isDirectory: boolean;
  isSymlink: boolean;
  compressedSize: number;
  /** What the header claims. Never trusted for limits; compared with the real count after reading. */
  declaredSize: number;
  /** Why this entry's data cannot be read (encryption, unknown method), or null. */
  unreadable: { problem: "encrypted" | "method"; params: Record<string, number> } | null;
  source: yauzl.Entry;
};

export type ZipArchive = {
  entryCount: number;
  zip: Yauzl3ZipFile;
  bytes: Buffer;
};

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const FLAG_ENCRYPTED = 0x1;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const CHUNK = 64 * 1024;
/** Entries packed this small are inflated in one synchronous call: a stream per tiny file costs more than the work. */
const SMALL_PACKED = 16 * 1024;

export async function openZip(bytes: Buffer): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    // decodeStrings:false leaves names undecoded and unvalidated, so that an unsafe name becomes our finding
    // (unsafe_path) instead of a yauzl error; validateEntrySizes:false because we count real bytes ourselves.
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false },
      (err, zipfile) => (err ? reject(archiveProblem(err)) : resolve(zipfile)),
    );
  });
  return { entryCount: zip.entryCount, zip: zip as Yauzl3ZipFile, bytes };
}

/** Reads the central directory one entry at a time; stops (returns null) at its end. */
export function nextEntry(archive: ZipArchive): Promise<ZipEntry | null> {
  const { zip } = archive;
  return new Promise((resolve, reject) => {
    const settle = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      settle();
      try {
        resolve(describeEntry(entry as Yauzl3Entry));
      } catch (err) {
        reject(err);
      }
    };
    const onEnd = () => {
      settle();
      resolve(null);
    };
    const onError = (err: Error) => {
      settle();
      reject(archiveProblem(err));
    };
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}

function describeEntry(entry: Yauzl3Entry): ZipEntry {
  const { name: decoded, encoding } = decodeName(entry);
  // bsdtar and Windows' `tar -a -cf x.zip .` write "./app.json": the same file as "app.json". Only the leading
  // "./" goes; a "." or ".." anywhere else stays and is refused as unsafe.
  const name = decoded.replace(/^(?:\.\/)+/, "");
  const unixMode = entry.externalFileAttributes >>> 16;
  return {
    name,
    nameRaw: entry.fileNameRaw,
    nameEncoding: encoding,
    isDirectory: decoded.endsWith("/"),
    isSymlink: (unixMode & S_IFMT) === S_IFLNK,
    compressedSize: entry.compressedSize,
    declaredSize: entry.uncompressedSize,
    unreadable: unreadable(entry),
    source: entry,
  };
}

const FLAG_UTF8 = 0x800;
const EXTRA_UNICODE_PATH = 0x7075;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const strictGb18030 = new TextDecoder("gb18030", { fatal: true });

function decodeName(entry: Yauzl3Entry): { name: string; encoding: NameEncoding } {
  const raw = entry.fileNameRaw;
  const yauzlName = () => (yauzl as Yauzl3).getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  if (entry.generalPurposeBitFlag & FLAG_UTF8 || entry.extraFields.some((f) => f.id === EXTRA_UNICODE_PATH)) {
    return { name: yauzlName(), encoding: "utf8-flag" };
  }
  if (!raw.some((b) => b > 0x7f)) return { name: raw.toString("latin1"), encoding: "ascii" };
  const utf8 = tryDecode(strictUtf8, raw);
  if (utf8 !== null) return { name: utf8, encoding: "utf8" };
  const gb = tryDecode(strictGb18030, raw);
  if (gb !== null) return { name: gb, encoding: "gb18030" };
  return { name: yauzlName(), encoding: "cp437" };
}

function tryDecode(decoder: TextDecoder, bytes: Buffer): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

function unreadable(entry: yauzl.Entry): ZipEntry["unreadable"] {
  if (entry.generalPurposeBitFlag & FLAG_ENCRYPTED) return { problem: "encrypted", params: {} };
  if (entry.compressionMethod !== METHOD_STORE && entry.compressionMethod !== METHOD_DEFLATE) {
    return { problem: "method", params: { method: entry.compressionMethod } };
  }
  return null;
}

function readLocalHeader(archive: ZipArchive, entry: ZipEntry): Promise<LocalFileHeader> {
  return new Promise((resolve, reject) => {
    archive.zip.readLocalFileHeader(entry.source, { minimal: false }, (err, header) =>
      err ? reject(new ZipFormatError(err.message, "localHeaderDamaged", { path: entry.name })) : resolve(header),
    );
  });
}

/**
 * The entry's decompressed bytes, chunk by chunk. Breaking out of the loop destroys the inflater, so a
 * caller enforcing a limit stops the work at once. `maxBytes` is the most the caller will accept; it
 * bounds the one-call inflation of small entries (the caller still counts: a streamed chunk may overshoot
 * it). Throws ZipFormatError on corrupt or unreadable data.
 */
export async function* entryChunks(archive: ZipArchive, entry: ZipEntry, maxBytes = Infinity): AsyncGenerator<Buffer> {
  if (entry.unreadable) throw new ZipFormatError(`${entry.name}: ${entry.unreadable.problem}`, entry.unreadable.problem, { path: entry.name, ...entry.unreadable.params });
  const header = await readLocalHeader(archive, entry);
  // Tools that stream local headers (as a host runtime may) would see this name instead of the central one.
  if (!header.fileName.equals(entry.nameRaw)) {
    throw new ZipFormatError(`${entry.name}: its local header names a different file`, "localHeaderName", { path: entry.name });
  }
  // yauzl has checked that this range lies inside the archive.
  const packed = archive.bytes.subarray(header.fileDataStart, header.fileDataStart + entry.compressedSize);
  if (entry.source.compressionMethod === METHOD_STORE) {
    for (let offset = 0; offset < packed.length; offset += CHUNK) yield packed.subarray(offset, offset + CHUNK);
    return;
  }
  if (packed.length <= SMALL_PACKED && Number.isFinite(maxBytes)) {
    const whole = inflateSmall(entry, packed, maxBytes + 1);
    if (whole) {
      yield whole;
      return;
    }
    // Over maxBytes: stream it instead, so the caller sees exactly where the limit was crossed.
  }
  const inflater = createInflateRaw({ chunkSize: CHUNK });
  inflater.end(packed);
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (err) {
    throw damagedData(entry, err);
  } finally {
    inflater.destroy();
  }
}

function inflateSmall(entry: ZipEntry, packed: Buffer, maxOutputLength: number): Buffer | null {
  try {
    return inflateRawSync(packed, { maxOutputLength });
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw damagedData(entry, err);
  }
}

function damagedData(entry: ZipEntry, err: unknown): ZipFormatError {
  return new ZipFormatError(`${entry.name}: ${err instanceof Error ? err.message : "corrupt deflate data"}`, "damagedData", { path: entry.name });
}

export type Budget = {
  /** Decompressed bytes still allowed across the archive; decremented as entries are read. */
  remaining: number;
  maxRatio: number;
  ratioMinBytes: number;
};

export type EntryReadResult =
  | { status: "complete"; bytes: number }
  | { status: "compression_ratio" | "too_large"; bytes: number };

/**
 * Streams one entry through a byte counter that stops at the first crossed limit, handing each chunk
 * to `onChunk`. A complete read is checked against the header's size and CRC-32 (a mismatch throws
 * ZipFormatError): a package whose headers lie is corrupt, whichever way they lie.
 */
export async function readEntry(
  archive: ZipArchive,
  entry: ZipEntry,
  budget: Budget,
  onChunk: (chunk: Buffer) => void,
): Promise<EntryReadResult> {
  let bytes = 0;
  let crc = 0;
  const ratioLimit = Math.max(budget.ratioMinBytes, budget.maxRatio * entry.compressedSize);
  for await (const chunk of entryChunks(archive, entry, Math.min(ratioLimit, Math.max(0, budget.remaining)))) {
    bytes += chunk.length;
    budget.remaining -= chunk.length;
    if (bytes > ratioLimit) return { status: "compression_ratio", bytes };
    if (budget.remaining < 0) return { status: "too_large", bytes };
    crc = crc32(chunk, crc);
    onChunk(chunk);
  }
  if (bytes !== entry.declaredSize) {
    throw new ZipFormatError(`${entry.name}: unpacks to ${bytes} bytes but its header says ${entry.declaredSize}`, "sizeMismatch", {
      path: entry.name,
      actualBytes: bytes,
      actual: bytes,
      declared: entry.declaredSize,
    });
  }
  if (crc !== entry.source.crc32) throw new ZipFormatError(`${entry.name}: CRC-32 mismatch`, "checksum", { path: entry.name });
  return { status: "complete", bytes };
}

/** Keeps at most `limit` bytes of what is pushed; remembers whether anything was dropped. */
export class BoundedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    // Copy: a stored entry's chunk is a view into the upload, and the upload need not outlive us.
    const part = Buffer.from(chunk.subarray(0, room));
    this.chunks.push(part);
    this.size += part.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

export function closeZip(archive: ZipArchive): void {
  archive.zip.close();
}
