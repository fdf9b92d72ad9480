// The hostile values of test/hostile-input.test.ts: what a careless or malicious client can put in a JSON body,
// a query string or a path segment. Kept apart from the route table so each family reads as a list.

/** Nesting depth of the "deeply nested" cases, written as raw text (a JS value that deep would be built recursively). */
export const DEPTH = 10_000;

export const deepArrayText = (n = DEPTH) => "[".repeat(n) + "]".repeat(n);
export const deepObjectText = (n = DEPTH) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

/**
 * A JSON value that JSON.stringify cannot spell (raw text: a 10,000-deep nest, 1e309). `toJsonText` puts the raw
 * text where the marker stands.
 */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold `Raw` parts anywhere. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

/** A copy of `base` with the value at a dotted path ("platforms.0.identifier") replaced. */
export function withValueAt(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split(".");
  let cur: Record<string, unknown> = copy;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    cur[k] ??= /^\d+$/.test(keys[i + 1]!) ? [] : {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys.at(-1)!] = value;
  return copy;
}

/** A copy of `base` without the value at a dotted path. */
export function withoutValueAt(base: unknown, path: string): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split(".");
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  delete cur[keys.at(-1)!];
  return copy;
}

/** What a body field holds, as far as its wrong values go; `?` means null is a valid value. */
export type FieldKind = "string" | "string?" | "int" | "int?" | "bool" | "array" | "array?" | "object" | "object?" | "ts";

const isNullable = (k: FieldKind) => k.endsWith("?");

/** Values of the wrong JSON type for a field of this kind, each with a label. */
export function wrongTypeValues(kind: FieldKind): [string, unknown][] {
  const base = kind.replace("?", "");
  const all: [string, string, unknown][] = [
    ["string", "a string", "12"],
    ["number", "a number", 12345],
    ["float", "a fraction", 1.5],
    ["negative", "a negative number", -1],
    ["unsafe", "2^53 + 2", 2 ** 53 + 2],
    ["overflow", "1e309 (Infinity)", new Raw("1e309")],
    ["boolean", "a boolean", true],
    ["array", "an array", ["x"]],
    ["object", "an object", { a: "b" }],
    ["null", "null", null],
  ];
  const skip: Record<string, string[]> = {
    string: ["string"],
    int: ["number"],
    bool: ["boolean"],
    array: ["array"],
    object: ["object"],
    // Epoch milliseconds and ISO strings are both valid types; a fraction or a negative number is not a time.
    ts: ["number", "string"],
  };
  // A number where a string belongs is wrong whatever number it is: one will do.
  const numbersOnlyForNumbers = base === "int" || base === "ts" ? [] : ["float", "negative", "unsafe", "overflow"];
  return all
    .filter(([type]) => !(skip[base] ?? []).includes(type))
    .filter(([type]) => !numbersOnlyForNumbers.includes(type))
    .filter(([type]) => !(type === "null" && isNullable(kind)))
    .map(([, label, v]) => [label, v]);
}

/** Strings no text field may hold, or not at this size. `huge` stays under a 256 KiB body limit; `mega` does not. */
export const HOSTILE_STRINGS: [string, string][] = [
  ["a NUL character", "ab\u0000cd"],
  ["a lone high surrogate", "ab\ud800cd"],
  ["a lone low surrogate", "ab\udc00cd"],
  ["a 100,000-character string", "x".repeat(100_000)],
];
export const MEGA_STRING = "y".repeat(1_000_000);

// ---- query and path values, as raw URL text (already percent-encoded where they need to be) ----

export type QueryValue = { label: string; raw: string };

const q = (label: string, raw: string): QueryValue => ({ label, raw });

export const Q_NUL = q("%00 (NUL)", "%00");
export const Q_HUGE = q("10,000 characters", "z".repeat(10_000));

/** Values a text search must take as literal text: LIKE and SQL metacharacters, unicode, odd encodings. */
export const LITERAL_SEARCHES: QueryValue[] = [
  q("%", "%25"),
  q("_", "_"),
  q("%_%", "%25_%25"),
  q("'", "%27"),
  q("backslash", "%5C"),
  q("' OR '1'='1", "%27%20OR%20%271%27%3D%271"),
  q("'; DROP TABLE users; --", "%27%3B%20DROP%20TABLE%20users%3B%20--"),
  q("a literal %00", "%2500"),
  q("bad percent-encoding %E0%A4%A", "%E0%A4%A"),
  q("a bare %", "%"),
  q("unicode 日本語😀", encodeURIComponent("日本語😀")),
  q("right-to-left override", encodeURIComponent("\u202egnp.exe")),
  q("-1", "-1"),
  q("99999999999999999999", "99999999999999999999"),
];

/** Values no enum parameter (platform, status, category) accepts. */
export const BAD_ENUMS: QueryValue[] = [
  q("an unknown name", "symbian"),
  Q_HUGE,
  Q_NUL,
  q("unicode", encodeURIComponent("ïos")),
  q("' OR 1=1", "%27%20OR%201%3D1"),
  q("%", "%25"),
  q("bad percent-encoding", "%E0%A4%A"),
  q("upper case", "IOS"),
];

/** Values no YYYY-MM-DD parameter accepts. */
export const BAD_DAYS: QueryValue[] = [
  q("month 13", "2024-13-01"),
  q("30 February", "2024-02-30"),
  q("five-digit year", "99999-01-01"),
  q("-1", "-1"),
  q("a timestamp", "1700000000000"),
  q("unpadded", "2024-1-1"),
  Q_NUL,
  Q_HUGE,
  q("' OR '1'='1", "%27%20OR%20%271%27%3D%271"),
  q("unicode digits", encodeURIComponent("２０２４-０１-０１")),
];

export const BAD_LIMITS: QueryValue[] = [
  q("-1", "-1"),
  q("0", "0"),
  q("201", "201"),
  q("1.5", "1.5"),
  q("1e309", "1e309"),
  q("99999999999999999999", "99999999999999999999"),
  q("NaN", "NaN"),
  q("abc", "abc"),
  Q_NUL,
  q("unicode digits", encodeURIComponent("５")),
];

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
export const BAD_CURSORS: QueryValue[] = [
  q("not base64", "!!!"),
  q("300 characters", "A".repeat(300)),
  q("an encoded SQL string", b64("hst_' OR '1'='1' --")),
  q("an encoded id with NUL", b64(`hst_${"0".repeat(25)}\u0000`)),
  Q_NUL,
  q("unicode", encodeURIComponent("日本")),
];

/** Path segment values that name nothing (decoded, as Next hands them to the handler). */
export const BAD_PATH_VALUES: [string, string][] = [
  ["100,000 characters", "a".repeat(100_000)],
  ["a NUL character", "abc\u0000"],
  ["a literal %00", "%00"],
  ["bad percent-encoding", "%E0%A4%A"],
  ["unicode", "ü😀"],
  ["-1", "-1"],
  ["99999999999999999999", "99999999999999999999"],
  ["1e309", "1e309"],
  ["' OR '1'='1", "' OR '1'='1"],
  ["%", "%"],
  ["_", "_"],
  ["backslash", "\\"],
  ["*", "*"],
  ["..", ".."],
];
