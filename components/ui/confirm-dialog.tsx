"use client";
// A confirmation on the native <dialog>: focus is trapped, Escape cancels, and the trigger regains focus.
import { useRef, type ReactNode } from "react";
import { Button } from "./button";

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
  variant?: "danger" | "primary" | "secondary";
  disabled?: boolean;
  size?: "sm" | "md";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  return (
    <>
      <Button size={size} variant={variant === "danger" ? "secondary" : variant} disabled={disabled} onClick={() => ref.current?.showModal()}>
        {label}
      </Button>
      <dialog ref={ref} className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-0 text-fg backdrop:bg-black/40" aria-label={title}>
        <div className="space-y-3 p-5">
          <h2 className="text-base font-semibold">{title}</h2>
          {body && <div className="text-sm text-muted-fg">{body}</div>}
          <div className="flex justify-end gap-2 pt-2">
            <Button onClick={() => ref.current?.close()}>{cancelLabel}</Button>
            <Button
              variant={variant}
              onClick={() => {
                ref.current?.close();
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
