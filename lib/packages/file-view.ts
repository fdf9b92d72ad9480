// How one file of a package is shown to a person (issue 17 item 2): text is paged by lines and highlighted by
// highlight.js (the maintained highlighter; its HTML escapes the source), a small image is shown, anything else is
// described from its first bytes. Pure: the bytes come from the stored zip, read in memory under inspection's limits.
import hljs from "highlight.js/lib/core";
import { escapeHtml } from "@/lib/html";
import css from "highlight.js/lib/languages/css";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import xml from "highlight.js/lib/languages/xml";

hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("css", css);
hljs.registerLanguage("json", json);
hljs.registerLanguage("xml", xml);

/** Lines per page of a text file. */
export const LINES_PER_PAGE = 400;
/** Larger images are described, not shown inline. */
export const MAX_INLINE_IMAGE_BYTES = 1024 * 1024;
/** A file larger than this is not read at all (it is described from the inspection's record). */
export const MAX_VIEW_BYTES = 5 * 1024 * 1024;

const LANGUAGE_BY_EXT: Record<string, string> = { js: "javascript", mjs: "javascript", cjs: "javascript", css: "css", json: "json", html: "xml", htm: "xml", xml: "xml", svg: "xml", wxml: "xml", wxss: "css" };
const IMAGE_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

export type FileView =
  | { kind: "text"; language: string | null; html: string; page: number; pages: number; firstLine: number; lineCount: number; totalLines: number }
  | { kind: "image"; mime: string; dataUrl: string }
  | { kind: "binary"; description: BinaryKind };

export type BinaryKind = "png" | "jpeg" | "gif" | "webp" | "zip" | "wasm" | "pdf" | "font" | "audio" | "video" | "unknown" | "too_large" | "unreadable";

const ext = (path: string) => path.slice(path.lastIndexOf(".") + 1).toLowerCase();

/** What the first bytes say a binary file is. */
export function sniffBinary(bytes: Buffer): BinaryKind {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "webp";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "zip";
  if (starts(0x00, 0x61, 0x73, 0x6d)) return "wasm";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "pdf";
  if (starts(0x77, 0x4f, 0x46) || starts(0x00, 0x01, 0x00, 0x00) || starts(0x4f, 0x54, 0x54, 0x4f)) return "font";
  if (starts(0x49, 0x44, 0x33) || starts(0xff, 0xfb) || starts(0x4f, 0x67, 0x67, 0x53)) return "audio";
  if (bytes.subarray(4, 8).toString("latin1") === "ftyp") return "video";
  return "unknown";
}

/** Text when it decodes as UTF-8 without NUL bytes (a binary's signature), else null. */
function asText(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8192).includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function viewFile(path: string, bytes: Buffer, page = 1): FileView {
  const image = IMAGE_TYPES[ext(path)];
  if (image) {
    const kind = sniffBinary(bytes);
    // Only what the bytes confirm is shown: a .png that is really HTML is described, never rendered.
    if (kind === ext(path).replace("jpg", "jpeg") && bytes.length <= MAX_INLINE_IMAGE_BYTES) return { kind: "image", mime: image, dataUrl: `data:${image};base64,${bytes.toString("base64")}` };
    return { kind: "binary", description: bytes.length > MAX_INLINE_IMAGE_BYTES && kind !== "unknown" ? kind : sniffBinary(bytes) };
  }
  const text = asText(bytes);
  if (text === null) return { kind: "binary", description: sniffBinary(bytes) };
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  const pages = Math.max(1, Math.ceil(lines.length / LINES_PER_PAGE));
  const p = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const slice = lines.slice((p - 1) * LINES_PER_PAGE, p * LINES_PER_PAGE).join("\n");
  const language = LANGUAGE_BY_EXT[ext(path)] ?? null;
  const html = language ? hljs.highlight(slice, { language, ignoreIllegals: true }).value : escapeHtml(slice);
  return { kind: "text", language, html, page: p, pages, firstLine: (p - 1) * LINES_PER_PAGE + 1, lineCount: Math.min(LINES_PER_PAGE, lines.length - (p - 1) * LINES_PER_PAGE), totalLines: lines.length };
}
