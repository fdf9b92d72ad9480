import type { z } from "zod";
import { AppError, notFound } from "@/lib/errors";

/** zod issues as `{ "field.path": ["message", …] }`, the shape forms and API details use. */
export function zodFieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

// NUL cannot be stored in PostgreSQL text (the driver fails the statement, which would answer 500), and an
// unpaired surrogate is not Unicode text at all. No field, parameter or id of the API takes either.
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Keys that reach Object.prototype in any code that copies or merges objects. No field of the API is named so,
// so a body that holds one is refused outright rather than trusted to every later spread and merge.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export const UNSAFE_TEXT_MESSAGE = "Must not contain NUL characters or unpaired surrogates";

export function isUnsafeText(s: string): boolean {
  return UNSAFE_TEXT.test(s);
}

type Node = { value: unknown; key: string | number | null; parent: Node | null };

function pathOf(node: Node): string {
  const parts: (string | number)[] = [];
  for (let n: Node | null = node; n && n.key !== null; n = n.parent) parts.push(n.key);
  return parts.reverse().join(".") || "_";
}

/**
 * The first place in parsed JSON that no API input may hold (unsafe text in a value or key, a prototype key), as
 * a field path in zodFieldErrors' spelling. Walked without recursion: a body within the size limit may nest
 * 100,000 deep.
 */
export function findUnsafeJson(data: unknown): { path: string; message: string } | null {
  const stack: Node[] = [{ value: data, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === "string") {
      if (UNSAFE_TEXT.test(v)) return { path: pathOf(node), message: UNSAFE_TEXT_MESSAGE };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (UNSAFE_KEYS.has(k)) return { path: pathOf({ value: child, key: k, parent: node }), message: `"${k}" is not accepted as a key` };
        if (UNSAFE_TEXT.test(k)) return { path: pathOf(node), message: `A key ${UNSAFE_TEXT_MESSAGE.toLowerCase()}` };
        stack.push({ value: child, key: k, parent: node });
      }
    }
  }
  return null;
}

/**
 * Path segments and query parameters of a route handler's request: a path segment with unsafe text names
 * nothing (404, as any missing object); a query parameter with it is refused (422) before it reaches a query.
 */
export function assertSafeTarget(url: URL, params: Record<string, string | string[] | undefined> | undefined): void {
  for (const v of Object.values(params ?? {})) {
    if ((Array.isArray(v) ? v : [v]).some((s) => typeof s === "string" && UNSAFE_TEXT.test(s))) throw notFound();
  }
  for (const [k, v] of url.searchParams) {
    if (UNSAFE_TEXT.test(k) || UNSAFE_TEXT.test(v)) {
      throw new AppError("invalid_input", "Bad query parameters", { fields: { [UNSAFE_TEXT.test(k) ? "_" : k]: [UNSAFE_TEXT_MESSAGE] } });
    }
  }
}

/**
 * The one query-string parser (issue 12 item 19): the parameters the schema names, an empty value taken as absent,
 * validated by the schema; a bad one answers `invalid_input` with `details.fields` like every other bad input.
 * Parameters the schema does not name are ignored, as HTTP clients and proxies add their own.
 */
export function parseQuery<S extends z.ZodObject>(params: URLSearchParams, schema: S, what = "Bad query parameters", opts: { emptyIsAbsent?: boolean } = {}): z.output<S> {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = params.get(key);
    if (v !== null && (v !== "" || opts.emptyIsAbsent === false)) raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_input", what, { fields: zodFieldErrors(parsed.error) });
  return parsed.data;
}
