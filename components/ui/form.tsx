"use client";
// Form controls and the console's one focus pattern: after a submit, focus goes to what changed (the first invalid
// field, the error, or the result panel), never to <body>. Screen-reader and keyboard users land where to read next.
import { useCallback, useEffect, useRef, useState, type ComponentProps, type ReactNode } from "react";

const control =
  "block w-full rounded-md border border-border bg-card px-3 py-2 text-sm text-fg placeholder:text-muted-fg aria-[invalid=true]:border-danger";

export function Input({ className = "", ...props }: ComponentProps<"input">) {
  return <input className={`${control} h-9 ${className}`} {...props} />;
}

export function Select({ className = "", ...props }: ComponentProps<"select">) {
  return <select className={`${control} h-9 ${className}`} {...props} />;
}

export function Textarea({ className = "", ...props }: ComponentProps<"textarea">) {
  return <textarea className={`${control} ${className}`} {...props} />;
}

/** A labelled control with its hint and error wired up for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string | string[]; children: ReactNode }) {
  const err = Array.isArray(error) ? error.join(" ") : error;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && !err && (
        <p id={`${id}-hint`} className="text-xs text-muted-fg">
          {hint}
        </p>
      )}
      {err && (
        <p id={`${id}-error`} role="alert" className="text-xs text-danger">
          {err}
        </p>
      )}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
      {message}
    </div>
  );
}

const CONTROL = "input, select, textarea, button, a[href], [tabindex]";

function focusElement(el: HTMLElement) {
  if (!el.matches(CONTROL)) el.tabIndex = -1;
  el.focus();
}

/**
 * Call `begin()` when a submit starts and `settle(failed)` when it ends. After the next render, focus moves to the
 * first invalid field or alert of the submitted form when it failed; when it succeeded and the submitter is gone or
 * was disabled meanwhile (the browser then drops focus to <body>), back to the submitter, or the form. A result
 * panel that mounts with <FocusOnMount> takes focus first, since child effects run before this one.
 */
export function useSubmitFocus(pending: boolean) {
  const origin = useRef<HTMLElement | null>(null);
  const form = useRef<HTMLFormElement | null>(null);
  const [settled, setSettled] = useState<{ n: number; failed: boolean }>({ n: 0, failed: false });
  const handled = useRef(0);
  const begin = useCallback(() => {
    const active = typeof document === "undefined" ? null : (document.activeElement as HTMLElement | null);
    origin.current = active && active !== document.body ? active : null;
    form.current = origin.current?.closest("form") ?? null;
  }, []);
  const settle = useCallback((failed: boolean) => setSettled((s) => ({ n: s.n + 1, failed })), []);
  useEffect(() => {
    // Wait for the transition to end: until then the form's controls may still be disabled, and refuse focus.
    if (settled.n === handled.current || pending) return;
    handled.current = settled.n;
    const scope = form.current?.isConnected ? form.current : null;
    if (settled.failed && scope) {
      const target = scope.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]');
      if (target) return focusElement(target);
    }
    const active = document.activeElement;
    if (active && active !== document.body) return;
    if (origin.current?.isConnected) origin.current.focus();
    else if (scope) focusElement(scope);
  }, [settled, pending]);
  return { begin, settle };
}

/** A region that takes focus when it appears: a secret shown once, a "Saved" note, a created object's panel. */
export function FocusOnMount({ children, className = "", ...rest }: ComponentProps<"div">) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} className={`outline-none focus-visible:ring-2 focus-visible:ring-[var(--ring)] ${className}`} {...rest}>
      {children}
    </div>
  );
}
