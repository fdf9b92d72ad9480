// What `pathWithQuery` a signature may have been made over. CONTRACT §6 signs the request target exactly as
// sent, but a Next route handler never sees it: Next re-serialises the query before the handler runs (checked
// on next 16.4: `~` → `%7E`, `%20` → `+`, `|` → `%7C`, `?a` → `?a=`, lower-case escapes upper-cased, a bare `?`
// dropped, dot segments resolved). What survives is the decoded sequence of query pairs, so the verifier
// accepts a signature over any of the usual encodings of exactly those pairs. Every candidate decodes to the
// same pairs the handler reads, so none lets a signature stand for a different request.

/** RFC 3986 unreserved characters stay; everything else is percent-encoded in upper-case hex. */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

type Encoder = (s: string) => string;

const ENCODERS: Encoder[] = [
  // OkHttp, Foundation's URLComponents, curl --data-urlencode, hand-written RFC 3986 encoders.
  rfc3986,
  // JavaScript's encodeURIComponent as is.
  encodeURIComponent,
  // Go's url.Values.Encode and PHP's urlencode family: RFC 3986 but a space is "+".
  (s) => rfc3986(s).replace(/%20/g, "+"),
];

/**
 * The targets to try, first the one Next hands over (the WHATWG URLSearchParams serialisation, which is what
 * the reference client and browsers send), then the other encodings of the same pairs, without repeats.
 */
export function signedTargetCandidates(url: URL): string[] {
  const path = url.pathname;
  const out = [path + url.search];
  const pairs = [...url.searchParams];
  if (pairs.length === 0) return out;
  for (const enc of ENCODERS) {
    const candidate = `${path}?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")}`;
    if (!out.includes(candidate)) out.push(candidate);
  }
  return out;
}
