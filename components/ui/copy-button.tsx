"use client";
import { useState } from "react";
import { Button } from "./button";
import { FocusOnMount } from "./form";

export function CopyButton({ value, label, copiedLabel }: { value: string; label: string; copiedLabel: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="sm"
      onClick={async () => {
        await navigator.clipboard.writeText(value);
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
    >
      <span aria-live="polite">{copied ? copiedLabel : label}</span>
    </Button>
  );
}

/** A secret shown once: monospace, selectable, with a copy button and a warning. */
export function OneTimeSecret({ label, value, warning, copyLabel, copiedLabel }: { label: string; value: string; warning: string; copyLabel: string; copiedLabel: string }) {
  // It appears after a submit and is the one thing to act on now (copy it before leaving): focus goes there.
  return (
    <FocusOnMount className="space-y-2 rounded-md border border-warning/50 bg-warning-bg p-3" data-testid="one-time-secret-panel" aria-label={label} role="region">
      <div className="text-sm font-medium text-warning">{warning}</div>
      <div className="text-xs font-medium text-muted-fg">{label}</div>
      <div className="flex items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-card px-2 py-1.5 font-mono text-sm" data-testid="one-time-secret">
          {value}
        </code>
        <CopyButton value={value} label={copyLabel} copiedLabel={copiedLabel} />
      </div>
    </FocusOnMount>
  );
}
