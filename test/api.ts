// The one place tests call /api routes from (issue 12 item 19: the same request builder and answer reader were
// pasted into seven test files): a request as an API client sends it, and its answer read back.
import { NextRequest } from "next/server";
import { inProcessFetch } from "./api-router";

/** An API answer's JSON, with the error shape every route answers (CONTRACT §3). */
export type Json = Record<string, unknown> & {
  error?: { code: string; message: string; details?: { reasons?: { code: string }[]; fields?: Record<string, string[]> } & Record<string, unknown> };
};

export type Answer = { status: number; body: Json; headers: Headers };

export type RequestInit = { method?: string; body?: unknown; headers?: Record<string, string> };

/** A request to `path` with a bearer token (none with `null`); a string body is sent as is, anything else as JSON. */
export function apiRequest(token: string | null, path: string, init: RequestInit = {}): NextRequest {
  const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...init.headers };
  if (init.body !== undefined) headers["content-type"] ??= "application/json";
  return new NextRequest(`http://atrium.test${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

/** The status and JSON of an answer (null body for an empty one). */
export async function answer(res: Response | Promise<Response>): Promise<Answer> {
  const r = await res;
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as Json, headers: r.headers };
}

/** Calls any route through the app's router, as `token` unless a call names another. */
export function apiCaller(defaultToken: string | null) {
  const fetch = inProcessFetch();
  return (method: string, path: string, init: Omit<RequestInit, "method"> & { token?: string | null } = {}): Promise<Answer> =>
    answer(fetch(apiRequest(init.token === undefined ? defaultToken : init.token, path, { ...init, method })));
}
