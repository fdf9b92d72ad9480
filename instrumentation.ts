// Runs once when a server process starts (Next.js instrumentation hook): background maintenance that must
// also run after a crash, before anyone uploads again.
export async function register(): Promise<void> {
  // Not in the edge runtime, and not in `next build`'s workers, which must never open the database.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // First, before any request is served: the client's address comes from the socket (lib/request-ip.ts).
  const { installClientIpHook } = await import("./lib/request-ip");
  installClientIpHook();
  const [{ startBlobSweeper }, { kickWebhookDispatcher }, { autoAnalyze }, { startReleaseRunner }] = await Promise.all([
    import("./lib/blobs/maintenance"),
    import("./lib/webhooks/dispatcher"),
    import("./lib/analytics/auto-analyze"),
    import("./lib/release/runner"),
  ]);
  startBlobSweeper();
  // Listening for other processes' SDK changes from the start (lib/sdk-server/change-feed.ts), so this process's own
  // host changes wait for every process to apply them even before it serves its first signed request.
  setTimeout(() => void import("./lib/sdk-server/change-feed").then((m) => m.processChangeFeed()).catch(() => {}), 1_000).unref?.();
  // Ramp-up steps, guardrail halts and release rings (CONTRACT §8); steps that fell due while no process ran are
  // taken on the first tick.
  startReleaseRunner();
  // The distinct-set rollups' background fold: pending user-days into the day bitmaps, every second.
  (await import("./lib/analytics/user-set-folder")).startUserSetFolder();
  // Fresh planner statistics for the analytics tables, whatever the last process left (it may have died before
  // its next ANALYZE); the ingest path keeps them fresh from here on.
  setTimeout(() => void autoAnalyze().runNow(), 3_000).unref?.();
  // Error events stored before fingerprints existed (migration 0014) get theirs and join the error groups.
  setTimeout(() => {
    void (async () => {
      const [{ getDb }, { backfillFingerprints }] = await Promise.all([import("./db"), import("./lib/analytics/queries/backfill-fingerprints")]);
      await backfillFingerprints(await getDb());
    })().catch((e) => console.error("[atrium] error fingerprint backfill failed", e));
  }, 2_000).unref?.();
  // Deliveries that were due or retrying when the previous process stopped go out without waiting for a new event.
  kickWebhookDispatcher(2_000);
  // Notification emails, when SMTP_URL is set: what was left pending goes out, then every 15 s.
  (await import("./lib/notifications/mailer")).startMailer();
}
