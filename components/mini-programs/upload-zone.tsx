"use client";
// Drag-and-drop (or pick) a package and send it with XMLHttpRequest, which, unlike fetch, reports upload
// progress. The server inspects the package after the last byte arrives; the answer is the report.
import { useTranslations } from "next-intl";
import { useRef, useState, type DragEvent } from "react";
import type { Inspection } from "@/lib/packages/inspect";
import type { VersionJson } from "@/lib/services/versions";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";
import { formatBytes } from "./format";

export type UploadOutcome =
  | { kind: "accepted"; version: VersionJson; inspection: Inspection }
  | { kind: "rejected"; message: string; inspection: Inspection };

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; name: string; sent: number; total: number }
  | { kind: "inspecting"; name: string };

type ErrorBody = { error?: { code?: string; message?: string; details?: { inspection?: Inspection } } };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function UploadZone({ uploadUrl, maxBytes, onOutcome }: { uploadUrl: string; maxBytes: number; onOutcome: (o: UploadOutcome) => void }) {
  const t = useTranslations("miniPrograms.upload");
  const input = useRef<HTMLInputElement>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState("");
  const tn = useTranslations("trust.notes");
  const notesBytes = new TextEncoder().encode(notes).length;
  const busy = phase.kind !== "idle";

  const send = (file: File) => {
    setError(null);
    if (file.size > maxBytes) {
      setError(t("tooLarge", { name: file.name, size: formatBytes(file.size), max: formatBytes(maxBytes) }));
      return;
    }
    if (notesBytes > 10 * 1024) {
      setError(tn("tooLong", { bytes: notesBytes }));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    // The notes travel in the body with the package, never in the URL (up to 10 KiB of CJK text would not fit).
    const form = new FormData();
    form.append("package", file, file.name);
    if (notes.trim()) form.append("notes", notes);
    xhr.open("POST", uploadUrl);
    xhr.setRequestHeader("accept", "application/json");
    setPhase({ kind: "uploading", name: file.name, sent: 0, total: file.size });
    xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", name: file.name, sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => setPhase({ kind: "inspecting", name: file.name });
    xhr.onerror = () => finish(t("networkError"));
    xhr.onabort = () => finish(t("cancelled"));
    xhr.onload = () => {
      const body = parseJson(xhr.responseText);
      const isJson = (xhr.getResponseHeader("content-type") ?? "").includes("application/json") && body !== null;
      if (xhr.status === 201 && isJson) {
        finish(null);
        onOutcome({ kind: "accepted", ...(body as { version: VersionJson; inspection: Inspection }) });
        return;
      }
      const err = (isJson ? body : {}) as ErrorBody;
      const report = err.error?.details?.inspection;
      if (xhr.status === 422 && report) {
        finish(null);
        onOutcome({ kind: "rejected", message: err.error?.message ?? "", inspection: report });
        return;
      }
      // A redirect to the sign-in page arrives as HTML: the session is gone.
      if (xhr.status === 401 || !isJson) return finish(t("sessionEnded"));
      finish(err.error?.message ?? t("networkError"));
    };
    xhr.send(form);
  };

  const finish = (message: string | null) => {
    xhrRef.current = null;
    setPhase({ kind: "idle" });
    setError(message);
    if (input.current) input.current.value = "";
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && !busy) send(file);
  };

  const percent = phase.kind === "uploading" && phase.total > 0 ? Math.min(100, Math.round((phase.sent / phase.total) * 100)) : phase.kind === "inspecting" ? 100 : 0;

  return (
    <div className="space-y-3">
      <div className="space-y-1">
        <label htmlFor="upload-notes" className="text-sm font-medium">
          {tn("label")}
        </label>
        <textarea
          id="upload-notes"
          data-testid="upload-notes"
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          disabled={busy}
          rows={4}
          aria-describedby="upload-notes-hint"
          aria-invalid={notesBytes > 10 * 1024}
          className="w-full rounded-md border border-border bg-card px-3 py-2 font-mono text-sm"
        />
        <p id="upload-notes-hint" className={`text-xs ${notesBytes > 10 * 1024 ? "text-danger" : "text-muted-fg"}`}>
          {notesBytes > 10 * 1024 ? tn("tooLong", { bytes: notesBytes }) : tn("hint")}
        </p>
      </div>
      <div
        data-testid="upload-dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = busy ? "none" : "copy";
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        className={`rounded-lg border-2 border-dashed p-6 text-center transition ${dragging ? "border-primary bg-info-bg" : "border-border"}`}
      >
        {phase.kind === "idle" ? (
          <div className="space-y-2">
            <p className="font-medium">{dragging ? t("dragActive") : t("drop")}</p>
            <p className="text-sm text-muted-fg">{t("or")}</p>
            <Button variant="primary" onClick={() => input.current?.click()}>
              {t("choose")}
            </Button>
            <input
              ref={input}
              type="file"
              accept=".zip,application/zip"
              className="sr-only"
              tabIndex={-1}
              aria-hidden="true"
              data-testid="upload-input"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) send(file);
              }}
            />
            <p className="text-xs text-muted-fg">{t("limit", { size: formatBytes(maxBytes) })}</p>
          </div>
        ) : (
          <div className="mx-auto max-w-md space-y-2 text-left">
            <p className="truncate text-sm font-medium" title={phase.name}>
              {t("uploading", { name: phase.name })}
            </p>
            <div
              role="progressbar"
              aria-label={t("uploading", { name: phase.name })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="h-2 w-full overflow-hidden rounded-full bg-muted"
              data-testid="upload-progress"
            >
              <div className={`h-full rounded-full bg-primary transition-[width] duration-150 ${phase.kind === "inspecting" ? "animate-pulse" : ""}`} style={{ width: `${percent}%` }} />
            </div>
            <div className="flex items-center justify-between gap-2">
              <p className="text-xs tabular-nums text-muted-fg" aria-live="polite">
                {phase.kind === "uploading" ? t("progress", { percent, sent: formatBytes(phase.sent), total: formatBytes(phase.total) }) : t("inspecting")}
              </p>
              {phase.kind === "uploading" && (
                <Button size="sm" variant="ghost" onClick={() => xhrRef.current?.abort()}>
                  {t("cancel")}
                </Button>
              )}
            </div>
          </div>
        )}
      </div>
      <FormError message={error} />
    </div>
  );
}
