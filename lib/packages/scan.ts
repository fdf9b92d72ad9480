// Static scan of a package's code for the reviewer's warnings: `mp` APIs used, other vendors' globals, URL
// literals. It is a heuristic for review, not a sandbox: code that hides a call (computed names, aliasing `mp`
// through a variable) is not found here, and the runtime's permission checks still apply.
//
// Scripts are parsed by acorn, so regular expressions, templates and comments are read as JavaScript reads
// them, and `mp`/`wx` count only where they are the global: a parameter or local of that name hides the
// global inside its own scope and nowhere else. Code that does not parse (a truncated or
// broken file) is read by acorn's error-tolerant parser, and code that defeats even that (nesting deeper than
// the stack) by acorn's tokenizer alone. HTML is tokenized by htmlparser2.

import * as acorn from "acorn";
import { parse as parseLoose } from "acorn-loose";
import * as walk from "acorn-walk";
import { Parser as HtmlParser } from "htmlparser2";
import { PLATFORM_GLOBALS } from "./catalog";

export type CodeFacts = {
  /** API names used as `mp.<api>` or `mp["<api>"]`, or destructured from the global `mp`. */
  mpApis: Set<string>;
  /** Vendor global (wx, my, swan, tt) → API names used on it. */
  platformApis: Map<string, Set<string>>;
  /** Lower-cased hosts of URL literals (http, https, ws, wss; protocol-relative in HTML URL attributes). */
  urlHosts: Set<string>;
  /** How the scripts were read: "parsed", "loose" (after a syntax error), "tokens" (neither parser managed). */
  reading: Set<"parsed" | "loose" | "tokens">;
};

/** Hostile files could name thousands of distinct hosts or APIs; past this the reviewer has seen enough. */
const MAX_FACTS_PER_KIND = 100;

const WATCHED_GLOBALS = new Set<string>(["mp", ...PLATFORM_GLOBALS]);

export function emptyFacts(): CodeFacts {
  return { mpApis: new Set(), platformApis: new Map(), urlHosts: new Set(), reading: new Set() };
}

const PARSE_OPTIONS: acorn.Options = {
  ecmaVersion: "latest",
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowReserved: true,
};

export type ScanOptions = {
  /** False when the source is only the beginning of a file (the per-file scan cap cut it): parse it loosely. */
  complete?: boolean;
  /** "tokens" skips parsing (the package's parse budget is spent): strings and `mp.x` runs, without scope. */
  mode?: "parse" | "tokens";
};

export function scanScript(source: string, facts: CodeFacts = emptyFacts(), opts: ScanOptions = {}): CodeFacts {
  const parsed = opts.mode === "tokens" ? null : parseProgram(source, opts.complete ?? true);
  if (parsed) {
    try {
      scanProgram(parsed.program, facts);
      facts.reading.add(parsed.loose ? "loose" : "parsed");
      return facts;
    } catch {
      // A tree too deep for the walker's recursion, or one the loose parser shaped oddly: the tokens still
      // tell most of the story.
    }
  }
  scanTokens(source, facts);
  facts.reading.add("tokens");
  return facts;
}

type Parsed = { program: acorn.Program; loose: boolean };

function parseProgram(source: string, complete: boolean): Parsed | null {
  // A cut-off file cannot parse; the strict attempts would only double the work.
  if (complete) {
    const strict = parseStrict(source);
    if (strict !== "failed") return strict;
  }
  try {
    return { program: parseLoose(source, { ...PARSE_OPTIONS, sourceType: "module" }), loose: true };
  } catch {
    return null;
  }
}

/** A script, else (only when it has import or export) a module; null when too deep for the parser's stack. */
function parseStrict(source: string): Parsed | null | "failed" {
  try {
    return { program: acorn.parse(source, { ...PARSE_OPTIONS, sourceType: "script" }), loose: false };
  } catch (err) {
    if (err instanceof RangeError) return null;
    // Any other error would recur as a module, so only this one is worth a second strict attempt.
    if (!(err instanceof SyntaxError && /sourceType: module/.test(err.message))) return "failed";
  }
  try {
    return { program: acorn.parse(source, { ...PARSE_OPTIONS, sourceType: "module" }), loose: false };
  } catch (err) {
    return err instanceof RangeError ? null : "failed";
  }
}

type AnyNode = acorn.AnyNode;
type Use = { name: string; api: string; scopes: AnyNode[] };

/** Nodes that open a scope: functions and the program (var), blocks and loops (let, const, class), catch. */
function opensScope(node: AnyNode): boolean {
  switch (node.type) {
    case "Program":
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "BlockStatement":
    case "StaticBlock":
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement":
    case "SwitchStatement":
    case "CatchClause":
    case "ClassDeclaration":
    case "ClassExpression":
      return true;
    default:
      return false;
  }
}

function isFunctionScope(node: AnyNode): boolean {
  return node.type === "Program" || node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
}

/**
 * One walk collects (a) every use of a watched name as an object (`mp.x`, `mp["x"]`, `const {x} = mp`) with
 * the scopes around it, and (b) every declaration of a watched name with the scope it binds in. A use is of
 * the global when no scope around it declares that name, wherever in the scope the declaration stands
 * (hoisting). Only the five watched names are tracked, so this costs a fraction of the parse.
 */
function scanProgram(program: acorn.Program, facts: CodeFacts): void {
  const uses: Use[] = [];
  const bindings = new Map<AnyNode, Set<string>>();
  const bind = (scope: AnyNode | undefined, name: string) => {
    if (!scope) return;
    const names = bindings.get(scope) ?? new Set<string>();
    names.add(name);
    bindings.set(scope, names);
  };
  const use = (name: string, api: string | null, ancestors: AnyNode[]) => {
    if (api !== null && uses.length < MAX_FACTS_PER_KIND * 20) uses.push({ name, api, scopes: ancestors.filter(opensScope) });
  };
  walk.ancestor(program, {
    Identifier(node, _state, ancestors) {
      if (!WATCHED_GLOBALS.has(node.name)) return;
      const parent = ancestors[ancestors.length - 2];
      if (parent?.type === "MemberExpression" && parent.object === node) {
        use(node.name, propertyName(parent.property, parent.computed), ancestors);
      } else if (parent?.type === "VariableDeclarator" && parent.init === node && parent.id.type === "ObjectPattern") {
        // `const { getLocation } = mp` is a use of mp.getLocation as plainly as a call is.
        for (const api of patternKeys(parent.id)) use(node.name, api, ancestors);
      } else if (parent?.type === "AssignmentExpression" && parent.right === node && parent.left.type === "ObjectPattern") {
        for (const api of patternKeys(parent.left)) use(node.name, api, ancestors);
      }
    },
    // acorn-walk's name for an Identifier in a binding or assignment position; its types leave it out.
    ...({
      VariablePattern(node: acorn.Identifier, _state: unknown, ancestors: AnyNode[]) {
        if (WATCHED_GLOBALS.has(node.name)) bindDeclared(node.name, ancestors, bind);
      },
    } as walk.AncestorVisitors<unknown>),
    ImportDeclaration(node) {
      for (const spec of node.specifiers) if (WATCHED_GLOBALS.has(spec.local.name)) bind(program, spec.local.name);
    },
    Literal(node) {
      if (typeof node.value === "string") addUrlHosts(node.value, facts);
    },
    TemplateElement(node) {
      addUrlHosts(node.value.cooked ?? node.value.raw, facts);
    },
  });
  for (const u of uses) {
    if (!u.scopes.some((scope) => bindings.get(scope)?.has(u.name))) record(facts, u.name, u.api);
  }
}

/**
 * Where a name in a binding position (`ancestors` ends with its Identifier) is declared, if it is: the
 * innermost scope for let, const, class and catch; the function (or program) for var, parameters and
 * function declarations. A plain assignment (`wx = …`) declares nothing.
 */
function bindDeclared(name: string, ancestors: AnyNode[], bind: (scope: AnyNode | undefined, name: string) => void): void {
  let i = ancestors.length - 2;
  // Climb out of destructuring: `const { a: [wx] } = …`.
  while (i >= 0) {
    const t = ancestors[i]!.type;
    if (t === "ObjectPattern" || t === "ArrayPattern" || t === "Property" || t === "RestElement" || t === "AssignmentPattern") i -= 1;
    else break;
  }
  const owner = ancestors[i];
  if (!owner) return;
  const above = ancestors.slice(0, i);
  const innermost = () => [...above].reverse().find(opensScope);
  const nearestFunction = () => [...above].reverse().find(isFunctionScope);
  switch (owner.type) {
    case "VariableDeclarator": {
      const declaration = ancestors[i - 1];
      const kind = declaration?.type === "VariableDeclaration" ? declaration.kind : "var";
      bind(kind === "var" ? nearestFunction() : innermost(), name);
      return;
    }
    case "FunctionDeclaration":
      // Its own name belongs to the scope around it; a parameter to the function itself.
      bind((owner.id as unknown) === ancestors[i + 1] ? nearestFunction() : owner, name);
      return;
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "CatchClause":
    case "ClassExpression":
      bind(owner, name);
      return;
    case "ClassDeclaration":
      bind(innermost(), name);
      return;
    default:
      return;
  }
}

function patternKeys(pattern: acorn.ObjectPattern): string[] {
  const keys: string[] = [];
  for (const prop of pattern.properties) {
    if (prop.type !== "Property") continue;
    const key = propertyName(prop.key, prop.computed);
    if (key !== null) keys.push(key);
  }
  return keys;
}

function propertyName(property: AnyNode, computed: boolean): string | null {
  if (!computed && property.type === "Identifier") return property.name;
  if (computed && property.type === "Literal" && typeof property.value === "string") return property.value;
  if (computed && property.type === "TemplateLiteral" && property.expressions.length === 0) {
    return property.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

function record(facts: CodeFacts, global: string, api: string): void {
  if (global === "mp") {
    addCapped(facts.mpApis, api);
    return;
  }
  const apis = facts.platformApis.get(global) ?? new Set<string>();
  addCapped(apis, api);
  facts.platformApis.set(global, apis);
}

function addCapped(set: Set<string>, value: string): void {
  if (set.size < MAX_FACTS_PER_KIND) set.add(value);
}

// ---- last resort: tokens ----

/**
 * For code neither parser can hold. acorn's tokenizer still tells regular expressions from division and
 * strings from code; without a tree there is no scope, so a local named `mp` is taken for the global here.
 * A token it cannot read ends the attempt at that line; reading resumes on the next one.
 */
/** acorn's Token carries its value at run time; its type declaration leaves it out. */
type Token = acorn.Token & { value?: unknown };

function scanTokens(source: string, facts: CodeFacts): void {
  let rest = source;
  // Each restart moves past at least one line, so the work stays linear in lines read, bounded by the cap.
  for (let restarts = 0; rest.length > 0 && restarts < 1000; restarts += 1) {
    const window: Token[] = [];
    try {
      for (const token of acorn.tokenizer(rest, { ...PARSE_OPTIONS, sourceType: "module" }) as Iterable<Token>) {
        window.push(token);
        if (window.length > 4) window.shift();
        if (token.type === acorn.tokTypes.string || token.type === acorn.tokTypes.template) addUrlHosts(String(token.value ?? ""), facts);
        tokenMemberUse(window, facts);
      }
      return;
    } catch (err) {
      const at = err instanceof SyntaxError && "pos" in err && typeof err.pos === "number" ? err.pos : 0;
      const nl = rest.indexOf("\n", at);
      if (nl < 0) return;
      rest = rest.slice(nl + 1);
    }
  }
}

function tokenMemberUse(w: Token[], facts: CodeFacts): void {
  const n = w.length;
  const [before, global, dot, api] = [w[n - 4], w[n - 3], w[n - 2], w[n - 1]];
  if (global?.type !== acorn.tokTypes.name || !WATCHED_GLOBALS.has(String(global.value))) return;
  if (before && (before.type === acorn.tokTypes.dot || before.type === acorn.tokTypes.questionDot)) return;
  if (dot && (dot.type === acorn.tokTypes.dot || dot.type === acorn.tokTypes.questionDot) && api?.type === acorn.tokTypes.name) {
    record(facts, String(global.value), String(api.value));
  }
}

// ---- URLs ----

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

// ---- HTML ----

/** Attributes whose value is a URL (or, for srcset, URLs) that the page loads or sends to. */
const URL_ATTRIBUTES = new Set(["src", "href", "action", "formaction", "poster", "data", "background", "cite", "srcset", "manifest", "xlink:href", "ping"]);
const JS_TYPES = /^(?:|text\/javascript|application\/javascript|module|text\/ecmascript|application\/ecmascript)$/i;

/**
 * `.html` pages: every attribute value is searched for absolute URLs (src, href, action, but also a meta
 * refresh or an inline style), URL attributes also for protocol-relative ones; inline `<script>` blocks and
 * `on…` handlers are scanned as scripts; `<style>` blocks for URLs. Entities are decoded first, as a browser
 * would, so `https&#58;//host` is the URL it is.
 */
export function scanHtml(source: string, facts: CodeFacts = emptyFacts(), opts: ScanOptions = {}): CodeFacts {
  const script = { mode: opts.mode };
  let raw: { tag: "script" | "style"; js: boolean; parts: string[] } | null = null;
  const parser = new HtmlParser(
    {
      onopentag(name, attribs) {
        if (name === "script") raw = { tag: "script", js: JS_TYPES.test((attribs.type ?? "").trim()), parts: [] };
        else if (name === "style") raw = { tag: "style", js: false, parts: [] };
      },
      onattribute(name, value) {
        addUrlHosts(value, facts);
        if (URL_ATTRIBUTES.has(name)) {
          for (const candidate of value.split(/[\s,]+/)) if (candidate.startsWith("//")) addUrlHosts(`https:${candidate}`, facts);
        }
        if (name.startsWith("on") && value.trim() !== "") scanScript(value, facts, script);
      },
      ontext(text) {
        raw?.parts.push(text);
      },
      onclosetag(name) {
        if (!raw || name !== raw.tag) return;
        const body = raw.parts.join("");
        if (raw.js) scanScript(body, facts, script);
        else addUrlHosts(body, facts);
        raw = null;
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true, lowerCaseTags: true },
  );
  parser.write(source);
  parser.end();
  return facts;
}
