// Where a person reaches this console, for messages printed by scripts (the seed's "Sign in at …").
// AUTH_URL is the public address behind a proxy; otherwise the local server on PORT, as `npm start` serves it.
export function consoleUrl(env: Record<string, string | undefined> = process.env, path = "/"): string {
  const configured = env.AUTH_URL?.trim();
  if (configured && /^https?:\/\//.test(configured)) return new URL(path, configured.endsWith("/") ? configured : `${configured}/`).toString();
  const port = /^\d{1,5}$/.test(env.PORT?.trim() ?? "") ? env.PORT!.trim() : "3000";
  return `http://localhost:${port}${path}`;
}
