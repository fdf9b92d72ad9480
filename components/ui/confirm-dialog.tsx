"use client";
// The console's one confirmation for every irreversible step (approve, reject, revoke, promote, roll back,
// unassign, rotate, remove…), on the native <dialog>: the page behind is inert, Tab wraps inside the dialog (a
// native modal lets it leave for the browser's own controls), Escape cancels, and the trigger regains focus. ConfirmButton is the usual trigger; ConfirmDialog is for a step that checks a form first (reject) or
// asks for more inside the dialog (revoke's reason).
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { flushSync } from "react-dom";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
function wrapTab(e: KeyboardEvent<HTMLDialogElement>) {
  if (e.key !== "Tab") return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !e.currentTarget.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !e.currentTarget.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}
import { Button } from "./button";

export type ConfirmVariant = "danger" | "primary" | "secondary";

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  body,
  children,
  confirmLabel,
  cancelLabel,
  variant = "danger",
  testId,
}: {
  open: boolean;
  /** Cancel, Escape, or after a confirmation. */
  onClose: () => void;
  /** Return false to keep the dialog open (a field inside it is not filled in yet). */
  onConfirm: () => boolean | void;
  title: string;
  body?: ReactNode;
  /** Fields the confirmation needs (a reason). */
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  variant?: ConfirmVariant;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (onConfirm() === false) return;
    onClose();
  };
  return (
    <dialog
      ref={ref}
      // Escape closes the native dialog at once; its state follows synchronously, so a click on the trigger right
      // after (Space, under load) cannot be batched with it into "still open" and leave the dialog shut.
      onClose={() => open && flushSync(onClose)}
      onKeyDown={wrapTab}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-0 text-fg backdrop:bg-black/40"
      aria-label={title}
      data-testid={testId}
    >
      {/* A form, so Enter in a field confirms like the button does. */}
      <form className="space-y-3 p-5" onSubmit={submit} noValidate>
        <h2 className="text-base font-semibold">{title}</h2>
        {body && <div className="text-sm text-muted-fg">{body}</div>}
        {children}
        <div className="flex flex-wrap justify-end gap-2 pt-2">
          <Button onClick={onClose}>{cancelLabel}</Button>
          <Button type="submit" variant={variant}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}

export function ConfirmButton({
  label,
  title,
  body,
  confirmLabel,
  cancelLabel,
  onConfirm,
  variant = "danger",
  disabled,
  size = "sm",
}: {
  label: ReactNode;
  title: string;
  body?: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  variant?: ConfirmVariant;
  disabled?: boolean;
  size?: "sm" | "md";
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={size} variant={variant === "danger" ? "secondary" : variant} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={onConfirm}
        title={title}
        body={body}
        confirmLabel={confirmLabel}
        cancelLabel={cancelLabel}
        variant={variant}
      />
    </>
  );
}
