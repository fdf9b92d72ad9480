// The one same-origin rule for mutations from the browser (server actions, the upload route, proxy.ts):
// the Origin header must name the host the request was sent to. A missing, `null` or malformed Origin fails.
export function isSameOrigin(origin: string | null, host: string | null): boolean {
  if (!origin || !host || origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost === host.split(",")[0]!.trim();
}
