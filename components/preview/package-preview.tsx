"use client";
// The reviewer's sandboxed preview (issue 17 item 1): one page of the package in an iframe with
// sandbox="allow-scripts" only (an opaque origin: no console cookies, no parent DOM), served under its own CSP
// (lib/services/preview.ts). The package's `mp` calls arrive here by postMessage, are decided from its manifest
// (lib/preview/decide.ts), answered, and listed in the call log, refusals first to the eye. "Stop" removes the frame,
// whatever its code is doing.
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { startPreviewAction } from "@/lib/actions/preview";
import { decidePreviewCall, type PreviewDecision } from "@/lib/preview/decide";
import { PREVIEW_MESSAGE, PREVIEW_RESULT } from "@/lib/preview/shim";
import type { PreviewStart } from "@/lib/services/preview";
import { Button } from "@/components/ui/button";

type LogEntry =
  | { n: number; at: number; kind: "call"; api: string; args: string; decision: PreviewDecision }
  | { n: number; at: number; kind: "nav"; api: string; url: string | null; ok: boolean }
  | { n: number; at: number; kind: "page"; page: string }
  | { n: number; at: number; kind: "error"; message: string }
  | { n: number; at: number; kind: "flood" };

type NewEntry = LogEntry extends unknown ? (LogEntry extends infer E ? (E extends LogEntry ? Omit<E, "n" | "at"> : never) : never) : never;

/** The log keeps the latest entries; a page calling in a loop cannot grow it without bound. */
const LOG_MAX = 500;

type Incoming = { tag?: unknown; type?: unknown; id?: unknown; api?: unknown; args?: unknown; url?: unknown; ok?: unknown; page?: unknown; message?: unknown };

function shortJson(value: unknown): string {
  if (value === undefined || value === null) return "";
  let s: string;
  try {
    s = JSON.stringify(value);
  } catch {
    return "";
  }
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

export function PackagePreview({ org, versionId }: { org: string; versionId: string }) {
  const t = useTranslations("preview");
  const [session, setSession] = useState<PreviewStart | null>(null);
  const [page, setPage] = useState<string>("");
  const [frameKey, setFrameKey] = useState(0);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [refusals, setRefusals] = useState(0);
  const frame = useRef<HTMLIFrameElement>(null);
  const queue = useRef<LogEntry[]>([]);
  const counter = useRef(0);

  const open = useCallback(async () => {
    setBusy(true);
    setError(null);
    const r = await startPreviewAction(org, { versionId });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setSession(r.data);
    setPage((p) => (p && r.data.pages.includes(p) ? p : r.data.pages[0]!));
    setLog([]);
    setRefusals(0);
    setRunning(true);
    setFrameKey((k) => k + 1);
  }, [org, versionId]);

  const stop = useCallback(() => {
    setRunning(false);
    queue.current = [];
  }, []);

  // Messages from the frame: only from our iframe's window, decided from the manifest the server gave us.
  useEffect(() => {
    if (!running || !session) return;
    const manifest = { permissions: session.permissions, domains: session.domains };
    const push = (e: NewEntry) => {
      counter.current += 1;
      queue.current.push({ ...e, n: counter.current, at: Date.now() } as LogEntry);
      if (queue.current.length > LOG_MAX) queue.current.splice(0, queue.current.length - LOG_MAX);
    };
    const onMessage = (ev: MessageEvent) => {
      const win = frame.current?.contentWindow;
      if (!win || ev.source !== win) return;
      const m = ev.data as Incoming;
      if (!m || typeof m !== "object" || m.tag !== PREVIEW_MESSAGE) return;
      if (m.type === "call" && typeof m.api === "string" && typeof m.id === "number") {
        const api = m.api.slice(0, 80);
        const decision = decidePreviewCall({ api, args: m.args }, manifest);
        win.postMessage(
          decision.outcome === "answered" ? { tag: PREVIEW_RESULT, id: m.id, ok: true, data: decision.data } : { tag: PREVIEW_RESULT, id: m.id, ok: false, error: decision.reason },
          "*",
        );
        push({ kind: "call", api, args: shortJson(m.args), decision });
      } else if (m.type === "nav" && typeof m.api === "string") {
        push({ kind: "nav", api: m.api.slice(0, 40), url: typeof m.url === "string" ? m.url.slice(0, 300) : null, ok: m.ok === true });
      } else if (m.type === "page" && typeof m.page === "string") {
        push({ kind: "page", page: m.page.slice(0, 200) });
      } else if (m.type === "error" && typeof m.message === "string") {
        push({ kind: "error", message: m.message.slice(0, 500) });
      } else if (m.type === "flood") {
        push({ kind: "flood" });
      }
    };
    window.addEventListener("message", onMessage);
    // The log is drawn a few times a second, not once per message, so a chatty page cannot stall the console.
    const timer = window.setInterval(() => {
      if (queue.current.length === 0) return;
      const batch = queue.current;
      queue.current = [];
      const refused = batch.filter((e) => e.kind === "call" && e.decision.outcome === "refused").length;
      setLog((l) => [...l, ...batch].slice(-LOG_MAX));
      if (refused) setRefusals((r) => r + refused);
    }, 150);
    return () => {
      window.removeEventListener("message", onMessage);
      window.clearInterval(timer);
    };
  }, [running, session]);

  const reasonText = (d: Extract<PreviewDecision, { outcome: "refused" }>) =>
    d.reason === "undeclared_permission"
      ? t("refused.permission", { permission: d.permission ?? "" })
      : d.reason === "undeclared_domain"
        ? t("refused.domain", { domain: d.domain ?? "" })
        : d.reason === "platform_api"
          ? t("refused.platform")
          : t("refused.url");

  return (
    <section className="@container rounded-lg border border-border bg-card" aria-labelledby="preview-title" data-testid="package-preview">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-4 py-3">
        <h2 id="preview-title" className="text-sm font-semibold">
          {t("title")}
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          {session && (
            <label className="flex items-center gap-1.5 text-sm">
              <span className="text-muted-fg">{t("page")}</span>
              <select
                className="h-8 max-w-56 rounded-md border border-border bg-card px-2 font-mono text-xs"
                value={page}
                onChange={(e) => {
                  setPage(e.target.value);
                  setRunning(true);
                  setFrameKey((k) => k + 1);
                }}
              >
                {session.pages.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
          )}
          {running ? (
            <Button size="sm" variant="danger" onClick={stop}>
              {t("stop")}
            </Button>
          ) : (
            <Button size="sm" variant="primary" onClick={open} disabled={busy}>
              {session ? t("restart") : t("open")}
            </Button>
          )}
        </div>
      </div>
      <div className="space-y-3 p-4">
        <p className="text-sm text-muted-fg">{t("explain")}</p>
        {error && (
          <p role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
            {error}
          </p>
        )}
        {session && (
          <div className="grid gap-4 @3xl:grid-cols-[minmax(0,380px)_minmax(0,1fr)]">
            <div className="mx-auto w-full max-w-[380px] overflow-hidden rounded-md border border-border bg-white">
              {running ? (
                <iframe
                  key={frameKey}
                  ref={frame}
                  title={t("frameTitle", { page })}
                  src={`${session.base}${page}`}
                  sandbox="allow-scripts"
                  referrerPolicy="no-referrer"
                  className="block h-[480px] w-full"
                  data-testid="preview-frame"
                />
              ) : (
                <p className="flex h-[480px] items-center justify-center p-4 text-center text-sm text-muted-fg" data-testid="preview-stopped">
                  {t("stopped")}
                </p>
              )}
            </div>
            <div className="min-w-0">
              <h3 className="mb-2 flex items-center gap-2 text-sm font-semibold">
                {t("log")}
                {refusals > 0 && (
                  <span className="rounded-full bg-danger-bg px-2 py-0.5 text-xs font-medium text-danger" data-testid="preview-refusals">
                    {t("refusals", { count: refusals })}
                  </span>
                )}
              </h3>
              <ol role="log" aria-label={t("log")} className="max-h-[320px] @3xl:max-h-[452px] space-y-1 overflow-y-auto rounded-md border border-border p-2 font-mono text-xs" data-testid="preview-log">
                {log.length === 0 && <li className="text-muted-fg">{t("empty")}</li>}
                {log.map((e) => (
                  <li
                    key={e.n}
                    data-kind={e.kind}
                    data-outcome={e.kind === "call" ? e.decision.outcome : undefined}
                    className={`rounded px-1.5 py-1 break-all ${e.kind === "call" && e.decision.outcome === "refused" ? "bg-danger-bg text-danger" : e.kind === "error" || e.kind === "flood" ? "bg-warning-bg text-warning" : ""}`}
                  >
                    {e.kind === "call" && (
                      <>
                        <span className="font-semibold">{e.api.includes(".") ? e.api : `mp.${e.api}`}</span>({e.args}){" "}
                        {e.decision.outcome === "refused" ? <span>→ {t("refusedLabel")}: {reasonText(e.decision)}</span> : <span className="text-muted-fg">→ {t("answered")}</span>}
                      </>
                    )}
                    {e.kind === "nav" && (
                      <span className="text-muted-fg">
                        {e.api} {e.url ?? ""} {e.ok ? "" : `→ ${t("navRefused")}`}
                      </span>
                    )}
                    {e.kind === "page" && <span className="text-muted-fg">{t("loaded", { page: e.page })}</span>}
                    {e.kind === "error" && <span>{t("error", { message: e.message })}</span>}
                    {e.kind === "flood" && <span>{t("flood")}</span>}
                  </li>
                ))}
              </ol>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
