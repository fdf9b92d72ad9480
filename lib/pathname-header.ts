// The request header through which proxy.ts tells pages which path they render (Next gives server components no
// pathname). The proxy sets it on every page request, replacing any value a client sent.
export const PATHNAME_HEADER = "x-atrium-pathname";
