// Static scan of a package's scripts for the reviewer's warnings: `mp` APIs used, other vendors' globals,
// URL literals. It is a heuristic for review, not a sandbox: code that hides a call (computed names,
// aliasing `mp`) is not found here, and the runtime's permission checks still apply.
//
// A small JavaScript lexer keeps comments out and tells strings from code; every construct it may
// misread (regex vs division, unterminated literals) ends at the line's end, so a misreading stays local.

import { PLATFORM_GLOBALS } from "./catalog";

export type CodeFacts = {
  /** API names used as `mp.<api>` or `mp["<api>"]`. */
  mpApis: Set<string>;
  /** Vendor global (wx, my, swan, tt) → API names used on it. */
  platformApis: Map<string, Set<string>>;
  /** Lower-cased hosts of URL literals (http, https, ws, wss) in strings. */
  urlHosts: Set<string>;
};

/** Hostile files could name thousands of distinct hosts or APIs; past this the reviewer has seen enough. */
const MAX_FACTS_PER_KIND = 100;

type TokenKind = "ident" | "punct" | "string" | "number" | "regex";
type Token = { kind: TokenKind; value: string };

const WATCHED_GLOBALS = new Set<string>(["mp", ...PLATFORM_GLOBALS]);
const DECLARATION_KEYWORDS = new Set(["var", "let", "const", "function", "class", "import"]);
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await",
]);

export function emptyFacts(): CodeFacts {
  return { mpApis: new Set(), platformApis: new Map(), urlHosts: new Set() };
}

export function scanScript(source: string, facts: CodeFacts = emptyFacts()): CodeFacts {
  const analyzer = new Analyzer(facts);
  lex(source, (token) => analyzer.push(token));
  analyzer.finish();
  return facts;
}

/** Inline `<script>` bodies are scanned as scripts; a `<script src>` URL counts as a URL literal. */
export function scanHtml(source: string, facts: CodeFacts = emptyFacts()): CodeFacts {
  const lower = source.toLowerCase();
  let from = 0;
  // indexOf rather than one regex: a lazy `<script>[\s\S]*?</script>` is quadratic on unclosed tags.
  for (;;) {
    const open = lower.indexOf("<script", from);
    if (open < 0) break;
    const openEnd = lower.indexOf(">", open);
    if (openEnd < 0) break;
    const close = lower.indexOf("</script", openEnd);
    const bodyEnd = close < 0 ? source.length : close;
    const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(source.slice(open, openEnd));
    if (src?.[1]) addUrlHosts(src[1], facts);
    else scanScript(source.slice(openEnd + 1, bodyEnd), facts);
    if (close < 0) break;
    from = close + 8;
  }
  return facts;
}

/** Finds member uses of watched globals over a sliding window of the last few tokens. */
class Analyzer {
  private readonly window: Token[] = [];
  private readonly uses: { global: string; api: string }[] = [];
  private readonly shadowed = new Set<string>();

  constructor(private readonly facts: CodeFacts) {}

  push(token: Token): void {
    this.window.push(token);
    if (this.window.length > 5) this.window.shift();
    if (token.kind === "string") addUrlHosts(token.value, this.facts);
    this.matchDeclaration();
    this.matchMemberUse();
  }

  /** `var wx = …`, `function my() {}`: a local of that name is not the vendor global. */
  private matchDeclaration(): void {
    const [keyword, name] = this.window.slice(-2);
    if (keyword?.kind === "ident" && DECLARATION_KEYWORDS.has(keyword.value) && name?.kind === "ident") {
      if (WATCHED_GLOBALS.has(name.value)) this.shadowed.add(name.value);
    }
  }

  private matchMemberUse(): void {
    const w = this.window;
    const n = w.length;
    // g.api / g?.api
    const dotted = [w[n - 4], w[n - 3], w[n - 2], w[n - 1]] as const;
    if (isPunct(dotted[2], ".", "?.") && dotted[3]?.kind === "ident") this.record(dotted[0], dotted[1], dotted[3].value);
    // g["api"]
    const bracketed = [w[n - 5], w[n - 4], w[n - 3], w[n - 2], w[n - 1]] as const;
    if (isPunct(bracketed[2], "[") && bracketed[3]?.kind === "string" && isPunct(bracketed[4], "]")) {
      this.record(bracketed[0], bracketed[1], bracketed[3].value);
    }
  }

  private record(before: Token | undefined, global: Token | undefined, api: string): void {
    if (global?.kind !== "ident" || !WATCHED_GLOBALS.has(global.value)) return;
    // `obj.wx.login` is a property of obj, not the global.
    if (isPunct(before, ".", "?.")) return;
    if (this.uses.length < MAX_FACTS_PER_KIND * 4) this.uses.push({ global: global.value, api });
  }

  finish(): void {
    for (const { global, api } of this.uses) {
      if (this.shadowed.has(global)) continue;
      if (global === "mp") {
        addCapped(this.facts.mpApis, api);
        continue;
      }
      const apis = this.facts.platformApis.get(global) ?? new Set<string>();
      addCapped(apis, api);
      this.facts.platformApis.set(global, apis);
    }
  }
}

function isPunct(token: Token | undefined, ...values: string[]): boolean {
  return token?.kind === "punct" && values.includes(token.value);
}

function addCapped(set: Set<string>, value: string): void {
  if (set.size < MAX_FACTS_PER_KIND) set.add(value);
}

const URL_AUTHORITY = /\b(?:https?|wss?):\/\/([^\s/?#'"`\\<>]+)/gi;

function addUrlHosts(text: string, facts: CodeFacts): void {
  if (!text.includes("://")) return;
  for (const match of text.matchAll(URL_AUTHORITY)) {
    const host = hostOfAuthority(match[1] ?? "");
    if (host) addCapped(facts.urlHosts, host);
  }
}

/** Drops user info and port; null for anything that is not a literal host (e.g. a template `${…}`). */
function hostOfAuthority(authority: string): string | null {
  const afterUser = authority.slice(authority.lastIndexOf("@") + 1);
  const host = afterUser.startsWith("[") ? afterUser.slice(0, afterUser.indexOf("]") + 1) : afterUser.replace(/:\d*$/, "");
  const lower = host.toLowerCase().replace(/\.$/, "");
  return /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(lower) ? lower : null;
}

// ---- lexer ----

function isIdentStart(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || c === "_" || c === "$" || code > 0x7f;
}

function isIdentPart(c: string): boolean {
  const code = c.charCodeAt(0);
  return isIdentStart(c) || (code >= 48 && code <= 57);
}

function regexAllowedAfter(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === "ident") return KEYWORDS_BEFORE_EXPRESSION.has(prev.value);
  if (prev.kind === "punct") return prev.value !== ")" && prev.value !== "]";
  return false;
}

/** Emits the significant tokens of `src`: comments and whitespace are skipped. */
function lex(src: string, emit: (token: Token) => void): void {
  let i = 0;
  let prev: Token | undefined;
  let braceDepth = 0;
  // Brace depth at which each open template's `${` began: its matching `}` resumes the template.
  const templates: number[] = [];
  const push = (token: Token) => {
    prev = token;
    emit(token);
  };
  const lineEnd = (from: number) => {
    const nl = src.indexOf("\n", from);
    return nl < 0 ? src.length : nl;
  };
  /** Reads template text from i (just past ` or }) to the next ` or ${, which it consumes. */
  const readTemplate = () => {
    const start = i;
    let end = src.length;
    while (i < src.length) {
      const c = src[i];
      if (c === "\\") {
        i += 2;
      } else if (c === "`") {
        end = i;
        i += 1;
        break;
      } else if (c === "$" && src[i + 1] === "{") {
        end = i;
        i += 2;
        templates.push(braceDepth);
        braceDepth += 1;
        break;
      } else {
        i += 1;
      }
    }
    push({ kind: "string", value: src.slice(start, Math.min(end, src.length)) });
  };

  while (i < src.length) {
    const c = src[i] as string;
    const next = src[i + 1];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i += 1;
    } else if (c === "/" && next === "/") {
      i = lineEnd(i);
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === "'" || c === '"') {
      const literal = readQuoted(src, i, c, lineEnd(i));
      push({ kind: "string", value: literal.text });
      i = literal.end;
    } else if (c === "`") {
      i += 1;
      readTemplate();
    } else if (c === "/" && regexAllowedAfter(prev)) {
      i = readRegex(src, i, lineEnd(i));
      push({ kind: "regex", value: "" });
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < src.length && isIdentPart(src[i] as string)) i += 1;
      push({ kind: "ident", value: src.slice(start, i) });
    } else if (/\d/.test(c) || (c === "." && next !== undefined && /\d/.test(next))) {
      const start = i;
      while (i < src.length && /[\w.]/.test(src[i] as string)) i += 1;
      push({ kind: "number", value: src.slice(start, i) });
    } else if (c === "?" && next === "." && !/\d/.test(src[i + 2] ?? "")) {
      i += 2;
      push({ kind: "punct", value: "?." });
    } else if (c === "}" && templates.length > 0 && templates[templates.length - 1] === braceDepth - 1) {
      templates.pop();
      braceDepth -= 1;
      i += 1;
      readTemplate();
    } else {
      if (c === "{") braceDepth += 1;
      if (c === "}") braceDepth = Math.max(0, braceDepth - 1);
      i += 1;
      push({ kind: "punct", value: c });
    }
  }
}

/** A '…' or "…" literal from `start` (its opening quote): its text and the index just past it. */
function readQuoted(src: string, start: number, quote: string, limit: number): { text: string; end: number } {
  const parts: string[] = [];
  let segment = start + 1;
  let i = start + 1;
  while (i < limit) {
    const c = src[i];
    if (c === "\\") {
      parts.push(src.slice(segment, i), src[i + 1] ?? "");
      i += 2;
      segment = i;
    } else if (c === quote) {
      parts.push(src.slice(segment, i));
      return { text: parts.join(""), end: i + 1 };
    } else {
      i += 1;
    }
  }
  // Unterminated: the literal ends with its line, which keeps a misread local.
  parts.push(src.slice(segment, Math.min(i, limit)));
  return { text: parts.join(""), end: Math.max(limit, start + 1) };
}

function readRegex(src: string, start: number, limit: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < limit) {
    const c = src[i];
    if (c === "\\") i += 1;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) {
      i += 1;
      while (i < src.length && isIdentPart(src[i] as string)) i += 1;
      return i;
    }
    i += 1;
  }
  return limit;
}
