import type { ComponentProps, ReactNode } from "react";

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
