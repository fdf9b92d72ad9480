// The client's address. Next fills x-forwarded-for from the socket only when the request has none, so the
// right-most entry is the one the nearest hop wrote: the socket address when served directly, or what a
// reverse proxy appended. Deploy behind a proxy that appends (nginx: $proxy_add_x_forwarded_for).
export function clientIpFromHeaders(headers: Headers): string | null {
  const xff = headers.get("x-forwarded-for");
  if (xff) {
    const parts = xff.split(",").map((p) => p.trim()).filter(Boolean);
    const last = parts[parts.length - 1];
    if (last && last.length <= 64) return last.replace(/^::ffff:/, "");
  }
  const real = headers.get("x-real-ip");
  return real && real.length <= 64 ? real : null;
}
